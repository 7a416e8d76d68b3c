# Every filter is optional; those that are set must all match.
list "netmaker_enrollment_key" "ci" {
  provider = netmaker

  config {
    name_prefix = "ci-"
    network     = "office"
    type        = "uses"
    tag         = "office.ci"
    default     = false
    valid       = true
  }
}
