# Input of scripts/bench.sh: the floor without any provider process, N
# terraform_data resources holding what bench/main.tf configures per key.
variable "n" {
  type = number
}

variable "tag" {
  type    = string
  default = ""
}

variable "rotation" {
  type    = string
  default = "0"
}

locals {
  types = ["unlimited", "uses", "time_bound"]
}

resource "terraform_data" "k" {
  count = var.n
  input = {
    name     = format("bench-%04d", count.index)
    type     = local.types[count.index % 3]
    uses     = count.index % 3 == 1 ? 10 : null
    ttl      = count.index % 3 == 2 ? "8760h" : null
    networks = ["bench-net-${count.index % 4}"]
    tags     = var.tag == "" ? [] : ["bench-net-${count.index % 4}.${var.tag}"]
    trigger  = var.rotation
  }
}
