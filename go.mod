module github.com/iamd-dev/iamd

go 1.26.8
