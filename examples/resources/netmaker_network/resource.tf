resource "netmaker_network" "iot" {
  name          = "iot-network"
  address_range = "10.101.0.0/16"
}

# Netmaker generates an enrollment key for every new network, named after the
# network; keys of your own join the network by its name. Refer to it by id (the
# name, known once the network exists) so that the key is planned after the
# network and the plan does not warn that the network does not exist yet.
resource "netmaker_enrollment_key" "sensors" {
  name     = "iot-sensors"
  networks = [netmaker_network.iot.id]
  type     = "unlimited"
  tags     = ["${netmaker_network.iot.name}.sensors"]
}
