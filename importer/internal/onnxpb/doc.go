// Package onnxpb holds the Go types of ONNX's protobuf schema, generated
// from onnx.proto (ONNX 1.12, Apache-2.0, as Debian's python3-onnx ships
// it) by protoc and protoc-gen-go v1.28.0, the version of
// google.golang.org/protobuf that go.mod already has. Regenerate with
//
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.28.0
//	go generate ./importer/internal/onnxpb
//
// The types are plain data; package importer reads the graph from them.
package onnxpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go_opt=Monnx.proto=github.com/artlens/artlens/importer/internal/onnxpb onnx.proto
