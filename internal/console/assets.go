package console

import (
	"embed"
	"io/fs"
)

//go:generate bash ../../scripts/build-console.sh

//go:embed assets
var embedded embed.FS

// Assets are the console's built files, rooted at the console's directory (index.html at
// the top).
func Assets() fs.FS {
	sub, err := fs.Sub(embedded, "assets")
	if err != nil {
		panic(err) // the embedded tree always has assets/
	}
	return sub
}
