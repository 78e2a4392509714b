package cli

import (
	"errors"
	"flag"
	"io"
	"os"
)

// auditFlag is the --audit flag of the commands that read the audit log: by default the
// file IAMD_AUDIT names, as iamd serve writes it; serve's own default, standard output,
// leaves no file to read, so --audit is then required.
func auditFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("IAMD_AUDIT")
	if def == "-" {
		def = ""
	}
	return fs.String("audit", def, "the audit log iamd serve --audit wrote, or - for standard input (default: the file IAMD_AUDIT names)")
}

// openAudit opens the audit log named by --audit.
func openAudit(name string, stdin io.Reader) (io.ReadCloser, error) {
	switch name {
	case "":
		return nil, errors.New("name the audit log with --audit FILE (iamd serve writes it to standard output unless its --audit or IAMD_AUDIT names a file), or --audit - to read standard input")
	case "-":
		return io.NopCloser(stdin), nil
	}
	return os.Open(name)
}

// parseInterspersed parses flags that may come before or after the positional arguments,
// and returns those.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
