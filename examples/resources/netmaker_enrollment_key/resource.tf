# An unlimited key for the network's servers: devices enrolled with it get the
# "servers" device tag of network "prod" (Netmaker names tags <network>.<tag>).
resource "netmaker_enrollment_key" "servers" {
  name     = "prod-servers"
  networks = ["prod"]
  type     = "unlimited"
  tags     = ["prod.servers"]
}

# A key that admits ten devices, then is used up.
resource "netmaker_enrollment_key" "lab" {
  name     = "lab-batch-7"
  networks = ["lab"]
  type     = "uses"
  uses     = 10
}

# A contractor key that stops working 30 days after it is created. The expiry is
# computed once, at create; later plans do not drift as time passes.
resource "netmaker_enrollment_key" "contractor" {
  name     = "contractor-acme"
  networks = ["prod"]
  type     = "time_bound"
  ttl      = "720h"
}

# A key valid until a fixed date.
resource "netmaker_enrollment_key" "event" {
  name       = "conference-2030"
  networks   = ["guests"]
  type       = "time_bound"
  expires_at = "2030-06-30T23:59:59Z"
}

# Rotate a key's token in place: change regenerate_trigger and apply. The key
# keeps its name and settings; value and token change.
resource "netmaker_enrollment_key" "edge" {
  name               = "edge-routers"
  networks           = ["prod", "lab"]
  type               = "unlimited"
  tags               = ["prod.edge", "lab.edge"]
  regenerate_trigger = "2030-01"
}
