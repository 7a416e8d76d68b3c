terraform {
  required_providers {
    netmaker = {
      source = "netmaker-terraform/netmaker"
    }
  }
}

# Credentials are best kept out of configuration: set NETMAKER_HOST and
# NETMAKER_API_TOKEN (or NETMAKER_USERNAME and NETMAKER_PASSWORD) in the
# environment and leave the provider block empty, or pass them as variables.
variable "netmaker_api_token" {
  type        = string
  sensitive   = true
  description = "A Netmaker personal access token."
}

provider "netmaker" {
  host      = "https://api.netmaker.example.com"
  api_token = var.netmaker_api_token

  # Optional settings:
  request_timeout = "30s"
  max_retries     = 4
}
