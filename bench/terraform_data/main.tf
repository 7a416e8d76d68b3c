# Input of scripts/bench.sh: the floor without any provider process, N
# terraform_data resources holding the keys of bench/keys.tf.
resource "terraform_data" "k" {
  count = var.n
  input = local.keys[count.index]
}
