package cli

import "flag"

// defineMasterKeyFileFlag defines --master-key-file (IAMD_MASTER_KEY_FILE, config key
// master-key-file): the production setup, a key file outside the data directory, readable
// by its owner only (a file with any group or other permission is refused, as ssh refuses
// such a private key). `iamd rotate-master-key --generate FILE` makes one.
func defineMasterKeyFileFlag(fs *flag.FlagSet) *string {
	return fs.String("master-key-file", "", "file of the base64 master key for secrets, outside DATA, mode 0600 (iamd rotate-master-key --generate FILE makes one; default: DATA/master.key)")
}
