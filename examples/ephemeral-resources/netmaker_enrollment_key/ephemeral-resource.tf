# Needs Terraform 1.10 or later. A one-use key minted for this run: the
# provisioner enrolls the machine with it, and the key is deleted when
# Terraform closes the ephemeral resource (revoke_on_close defaults to true).
# Neither its token nor its value is written to the plan or the state.
# Terraform opens ephemeral resources in plan too: each open mints a key.
ephemeral "netmaker_enrollment_key" "bootstrap" {
  name_prefix = "bootstrap-"
  networks    = ["prod"]
  type        = "uses"
  uses        = 1
  ttl         = "30m"
  tags        = ["prod.servers"]
}

resource "terraform_data" "enroll" {
  provisioner "local-exec" {
    command = "netclient join -t \"$NETMAKER_TOKEN\""
    environment = {
      NETMAKER_TOKEN = ephemeral.netmaker_enrollment_key.bootstrap.token
    }
  }
}
