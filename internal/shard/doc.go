// Package shard splits a set of files into N stable parts, so that a batch
// runner (GNU parallel, a Slurm job array, a Kubernetes indexed Job) runs
// one ArtLens command per part: a file belongs to part I of N when the
// FNV-1a hash of its path relative to the folder it was found in is I-1
// modulo N. The part of a file depends on its own path only, so adding or
// removing files moves no other file to another part, and every machine
// splits alike whatever the folder is mounted as.
package shard
