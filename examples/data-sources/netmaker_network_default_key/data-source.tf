data "netmaker_network_default_key" "prod" {
  network = "prod"
}

output "prod_default_key_name" {
  value = data.netmaker_network_default_key.prod.key_name
}
