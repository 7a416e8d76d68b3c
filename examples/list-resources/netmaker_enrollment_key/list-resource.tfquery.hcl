# keys.tfquery.hcl: `terraform query` lists the keys Netmaker generated with
# their networks; `terraform query -generate-config-out=generated.tf` writes an
# import block and a resource block for each of them (Terraform 1.14+).
list "netmaker_enrollment_key" "auto" {
  provider         = netmaker
  include_resource = true

  config {
    auto_generated = true
  }
}
