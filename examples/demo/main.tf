# The configuration `make demo` applies against a local Netmaker sandbox
# (scripts/demo.sh sets NETMAKER_HOST and NETMAKER_API_TOKEN for it).
terraform {
  required_providers {
    netmaker = {
      source = "netmaker-terraform/netmaker"
    }
  }
}

# host and api_token come from NETMAKER_HOST and NETMAKER_API_TOKEN.
provider "netmaker" {}

variable "rotation" {
  description = "Change it to rotate the fleet key's token in place."
  type        = string
  default     = "1"
}

# A network; Netmaker generates its default key, named "demo-net".
resource "netmaker_network" "demo" {
  name          = "demo-net"
  address_range = "10.123.0.0/16"
}

# A contractor key that expires 30 days after it is created.
resource "netmaker_enrollment_key" "contractor" {
  name     = "demo-contractor"
  networks = [netmaker_network.demo.id]
  type     = "time_bound"
  ttl      = "720h"
  tags     = ["${netmaker_network.demo.name}.contractors"]
}

# A key whose token rotates whenever var.rotation changes.
resource "netmaker_enrollment_key" "fleet" {
  name               = "demo-fleet"
  networks           = [netmaker_network.demo.id]
  type               = "unlimited"
  tags               = ["${netmaker_network.demo.name}.fleet"]
  regenerate_trigger = var.rotation
}

output "network" {
  value = netmaker_network.demo.name
}

output "network_default_key" {
  value = netmaker_network.demo.default_key_name
}

output "contractor_key" {
  value = {
    name       = netmaker_enrollment_key.contractor.name
    expires_at = netmaker_enrollment_key.contractor.expires_at
    status     = netmaker_enrollment_key.contractor.status
  }
}

output "fleet_key" {
  value = {
    id                 = netmaker_enrollment_key.fleet.id
    regenerate_trigger = netmaker_enrollment_key.fleet.regenerate_trigger
    # A short fingerprint of the token, to show that rotation changed it
    # without revealing it.
    token_fingerprint = substr(nonsensitive(sha256(netmaker_enrollment_key.fleet.token)), 0, 12)
  }
}
