resource "netmaker_enrollment_key" "ci" {
  name     = "ci-runners"
  networks = ["office"]
  type     = "unlimited"
}

# Rotate on demand:
#   terraform apply -invoke=action.netmaker_enrollment_key_rotate.ci
action "netmaker_enrollment_key_rotate" "ci" {
  config {
    name = netmaker_enrollment_key.ci.name
  }
}

# Or whenever something else changes, here a rotation round number.
variable "rotation_round" {
  type    = number
  default = 1
}

resource "terraform_data" "rotation" {
  input = var.rotation_round

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.netmaker_enrollment_key_rotate.ci]
    }
  }
}
