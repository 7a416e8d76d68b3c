# The keys of the benchmark, shared by every variant's configuration
# (scripts/bench.sh copies this file beside each): N enrollment keys of mixed
# types, so that ours, the floor and terraform_data hold the same values.
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

locals {
  types = ["unlimited", "uses", "time_bound"]
  keys = [for i in range(var.n) : {
    name     = format("bench-%04d", i)
    type     = local.types[i % 3]
    uses     = i % 3 == 1 ? 10 : null
    ttl      = i % 3 == 2 ? "8760h" : null
    networks = ["bench-net-${i % 4}"]
    tags     = var.tag == "" ? [] : ["bench-net-${i % 4}.${var.tag}"]
    rotation = var.rotation
  }]
}
