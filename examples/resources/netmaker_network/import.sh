# A network is imported by its name (Netmaker's netid).
terraform import netmaker_network.iot iot-network
