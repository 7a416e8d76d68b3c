# Input of scripts/bench.sh: N enrollment keys of mixed types (count = var.n).
# The no-op floor provider (bench/floorprovider) runs this same file.
# The provider reads NETMAKER_HOST and NETMAKER_API_TOKEN from the environment.
terraform {
  required_providers {
    netmaker = {
      source = "netmaker-terraform/netmaker"
    }
  }
}

variable "n" {
  type = number
}

# A non-empty tag changes every key in place (the "plan with changes").
variable "tag" {
  type    = string
  default = ""
}

# A new value rotates every key in place (regenerate_trigger).
variable "rotation" {
  type    = string
  default = "0"
}

provider "netmaker" {
  max_retries = 8
}

locals {
  types = ["unlimited", "uses", "time_bound"]
}

resource "netmaker_enrollment_key" "k" {
  count    = var.n
  name     = format("bench-%04d", count.index)
  type     = local.types[count.index % 3]
  uses     = count.index % 3 == 1 ? 10 : null
  ttl      = count.index % 3 == 2 ? "8760h" : null
  networks = ["bench-net-${count.index % 4}"]
  tags     = var.tag == "" ? [] : ["bench-net-${count.index % 4}.${var.tag}"]

  regenerate_trigger = var.rotation
}
