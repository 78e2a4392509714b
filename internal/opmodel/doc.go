// Package opmodel is iamd's knowledge of AWS service APIs on the wire: for every service, its
// protocol ("query", "ec2", "json", "rest-json", "rest-xml"), the name it signs requests
// with, and each operation's HTTP method, request URI and top-level input members with where
// each travels (URI label, query string, header, body). The front door uses it to tell which
// operation a signed request calls and with which parameters.
//
// The data comes from the Apache-2.0-licensed npm package aws-sdk (the AWS SDK for
// JavaScript v2, pinned at its last release), turned by ./gen into models.txt.gz, which is
// committed and embedded: a build needs no npm. For a service with several API versions only
// the newest is kept. Regenerate it with
//
//	go generate ./internal/opmodel
//
// The models are loaded once, on first use, and are read-only afterwards, so they are safe
// for concurrent use. The package is pure: no network, no storage.
package opmodel

//go:generate go run ./gen -package aws-sdk@2.1693.0 -out models.txt.gz
