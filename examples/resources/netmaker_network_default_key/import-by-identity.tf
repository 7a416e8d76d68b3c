# The identity of a network's default key choice is the network (Terraform 1.12+).
import {
  to       = netmaker_network_default_key.office
  identity = { network = "office" }
}

resource "netmaker_network_default_key" "office" {
  network  = "office"
  key_name = "office-devices"
}
