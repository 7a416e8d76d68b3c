# Needs Terraform 1.10 or later. The token is read during plan and apply and is
# never written to the plan or the state. Opening it only reads: it never
# creates or rotates a key.
ephemeral "netmaker_enrollment_key_token" "office" {
  name = "office-devices"
}

# Or the default key of a network.
ephemeral "netmaker_enrollment_key_token" "prod_default" {
  network = "prod"
}

# Ephemeral values may flow into locals, provider blocks and write-only
# arguments of other resources (for example a secret's value_wo).
locals {
  join_command = "netclient join -t ${ephemeral.netmaker_enrollment_key_token.office.token}"
}
