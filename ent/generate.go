// Package ent is the generated data layer; only schema/ and entc.go are edited by hand.
package ent

//go:generate go run -mod=mod entc.go
