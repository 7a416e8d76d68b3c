# Every key, sorted by name.
data "netmaker_enrollment_keys" "all" {}

# The keys of network "prod" that can still enroll devices.
data "netmaker_enrollment_keys" "prod_usable" {
  network = "prod"
  valid   = true
}

# Used-up or expired keys that could be cleaned up.
data "netmaker_enrollment_keys" "invalid" {
  valid = false
}

output "invalid_key_names" {
  value = data.netmaker_enrollment_keys.invalid.keys[*].name
}
