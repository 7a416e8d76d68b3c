// Package docscheck holds tests over the repository's documentation: every HCL
// snippet in examples/, templates/, docs/ and README.md must be `terraform fmt`
// clean and must `terraform validate` against the provider built from this tree,
// and every resource, data source and ephemeral resource must have its example.
//
// The validation runs only with TF_ACC set (as `make test` does), like the
// acceptance tests, because it runs the terraform binary.
package docscheck
