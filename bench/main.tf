# Input of scripts/bench.sh: the keys of keys.tf as netmaker_enrollment_key.
# The no-op floor provider (bench/floorprovider) runs this same file.
# The provider reads NETMAKER_HOST and NETMAKER_API_TOKEN from the environment.
terraform {
  required_providers {
    netmaker = {
      source = "netmaker-terraform/netmaker"
    }
  }
}

provider "netmaker" {
  max_retries = 8
}

resource "netmaker_enrollment_key" "k" {
  count = var.n

  name               = local.keys[count.index].name
  type               = local.keys[count.index].type
  uses               = local.keys[count.index].uses
  ttl                = local.keys[count.index].ttl
  networks           = local.keys[count.index].networks
  tags               = local.keys[count.index].tags
  regenerate_trigger = local.keys[count.index].rotation
}
