package arn

// partitions_gen.go is regenerated from aws-sdk-go-v2's partitions.json (see ./gen).
//go:generate go run ./gen -out partitions_gen.go
