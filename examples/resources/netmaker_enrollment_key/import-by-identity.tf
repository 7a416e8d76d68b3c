# Adopt the key Netmaker generated for network "iot-network" by its identity,
# the key's name (Terraform 1.12+).
import {
  to       = netmaker_enrollment_key.iot
  identity = { name = "iot-network" }
}

resource "netmaker_enrollment_key" "iot" {
  name     = "iot-network"
  networks = ["iot-network"]
  type     = "unlimited"
}
