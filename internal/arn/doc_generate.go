package arn

//go:generate go run ./gen -out partitions_gen.go
