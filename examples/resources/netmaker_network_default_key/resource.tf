resource "netmaker_enrollment_key" "office" {
  name     = "office-devices"
  networks = ["office"]
  type     = "unlimited"
  tags     = ["office.laptops"]
}

# Make "office-devices" the default key of network "office". On destroy, the
# default goes back to the key Netmaker generated for the network.
resource "netmaker_network_default_key" "office" {
  network  = "office"
  key_name = netmaker_enrollment_key.office.name

  # Current-generation servers make only a new key a default: choosing an
  # existing one re-creates it with the same settings and a new token.
  allow_recreate = true
}
