# Adopt the key Netmaker generated for network "iot-network": it is named after
# the network, unlimited, and joins only that network.
import {
  to = netmaker_enrollment_key.iot
  id = "iot-network"
}

resource "netmaker_enrollment_key" "iot" {
  name     = "iot-network"
  networks = ["iot-network"]
  type     = "unlimited"
}
