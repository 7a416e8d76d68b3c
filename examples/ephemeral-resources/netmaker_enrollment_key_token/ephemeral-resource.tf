# Needs Terraform 1.10 or later. The token is read during plan and apply, and
# this resource's result is never written to the plan or the state (the
# netmaker_enrollment_key resource still keeps the key's token in its own state,
# marked sensitive). Opening it only reads: it never creates or rotates a key.
resource "netmaker_enrollment_key" "office" {
  name               = "office-devices"
  networks           = ["office"]
  type               = "unlimited"
  regenerate_trigger = "2030-01"
}

# Refer to the managed key, not to its name ("office-devices"): the reference
# makes Terraform open this after the key is created and after each rotation,
# so consumers get the current token rather than a missing or revoked one.
ephemeral "netmaker_enrollment_key_token" "office" {
  name = netmaker_enrollment_key.office.id
}

# Or the default key of a network (a key this configuration does not manage).
ephemeral "netmaker_enrollment_key_token" "prod_default" {
  network = "prod"
}

# Ephemeral values may flow into locals, provider blocks, provisioners and
# write-only arguments of other resources (for example a secret's value_wo).
locals {
  join_command = "netclient join -t ${ephemeral.netmaker_enrollment_key_token.office.token}"
}
