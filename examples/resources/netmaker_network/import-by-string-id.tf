import {
  to = netmaker_network.iot
  id = "iot-network"
}

resource "netmaker_network" "iot" {
  name          = "iot-network"
  address_range = "10.101.0.0/16"
}
