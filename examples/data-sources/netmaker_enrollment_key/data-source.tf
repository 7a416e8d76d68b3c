# A key by its name.
data "netmaker_enrollment_key" "ci" {
  name = "ci-runners"
}

# The default key of a network.
data "netmaker_enrollment_key" "prod_default" {
  network = "prod"
  default = true
}

output "ci_key_status" {
  value = data.netmaker_enrollment_key.ci.status
}
