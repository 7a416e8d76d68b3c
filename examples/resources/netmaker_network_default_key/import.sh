# A network's default key setting is imported by the network's name.
terraform import netmaker_network_default_key.office office
