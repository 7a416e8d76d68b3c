import {
  to = netmaker_network_default_key.office
  id = "office"
}

resource "netmaker_network_default_key" "office" {
  network  = "office"
  key_name = "office-devices"
}
