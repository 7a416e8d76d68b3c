# An enrollment key is imported by its name. Netmaker creates one key per
# network, named after the network: adopt the one of network "iot-network".
terraform import netmaker_enrollment_key.iot iot-network
