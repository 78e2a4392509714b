package sigv4

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"strings"
)

// checksumAlgorithm is one of S3's additional checksums, as sent in an
// x-amz-checksum-* header or trailer: the base64 of the big-endian digest.
type checksumAlgorithm struct {
	name   string // S3's spelling, as in its error messages
	header string // lowercase
	new    func() hash.Hash
}

var (
	castagnoliTable = crc32.MakeTable(crc32.Castagnoli)
	// nvmeTable is CRC-64/NVME (polynomial 0xad93d23594c93659, reflected),
	// which hash/crc64 computes with its usual initial and final inversion.
	nvmeTable = crc64.MakeTable(0x9a6c9329ac4bc9b5)
)

var checksumAlgorithms = []checksumAlgorithm{
	{"CRC32", "x-amz-checksum-crc32", func() hash.Hash { return crc32.NewIEEE() }},
	{"CRC32C", "x-amz-checksum-crc32c", func() hash.Hash { return crc32.New(castagnoliTable) }},
	{"CRC64NVME", "x-amz-checksum-crc64nvme", func() hash.Hash { return crc64.New(nvmeTable) }},
	{"SHA1", "x-amz-checksum-sha1", sha1.New},
	{"SHA256", "x-amz-checksum-sha256", sha256.New},
}

// checksumFor returns the algorithm whose header is name (any case).
func checksumFor(name string) (checksumAlgorithm, bool) {
	for _, a := range checksumAlgorithms {
		if strings.EqualFold(a.header, name) {
			return a, true
		}
	}
	return checksumAlgorithm{}, false
}

// runningChecksum hashes data as it is decoded and checks it against the
// value the client sent.
type runningChecksum struct {
	alg checksumAlgorithm
	h   hash.Hash
}

func newRunningChecksum(alg checksumAlgorithm) *runningChecksum {
	return &runningChecksum{alg: alg, h: alg.new()}
}

// check compares the digest so far with value, the base64 the client sent.
func (c *runningChecksum) check(value string) *Error {
	want, err := base64.StdEncoding.Strict().DecodeString(value)
	if err != nil || len(want) != c.h.Size() {
		return errChecksumValue(c.alg.header)
	}
	if string(c.h.Sum(nil)) != string(want) {
		return errBadDigest(c.alg.name)
	}
	return nil
}
