package imds

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// leaf produces one metadata value when asked for.
type leaf func() (string, error)

func text(s string) leaf { return func() (string, error) { return s, nil } }

const credsTime = "2006-01-02T15:04:05Z" // the format SDKs parse in LastUpdated and Expiration

// content returns the value or listing at path ("latest/meta-data/instance-id"); ok is
// false for a path that does not exist.
func (mc *machine) content(r *http.Request, inst *ec2.Instance, now time.Time, path string) (string, bool, error) {
	if path == "" {
		return "latest", true, nil
	}
	if path == "latest" || path == "latest/" {
		return "dynamic\nmeta-data", true, nil
	}
	rel, ok := strings.CutPrefix(path, "latest/")
	if !ok {
		return "", false, nil
	}
	// Most paths are the instance's own values: the role is looked up only for the others.
	leaves := instanceLeaves(inst)
	if f, ok := leaves[rel]; ok {
		v, err := f()
		return v, err == nil, err
	}
	if err := mc.addRoleLeaves(r, inst, now, leaves); err != nil {
		return "", false, err
	}
	if f, ok := leaves[rel]; ok {
		v, err := f()
		return v, err == nil, err
	}
	// A directory lists its entries, subdirectories with a trailing slash.
	dir := strings.TrimSuffix(rel, "/") + "/"
	seen := map[string]bool{}
	var entries []string
	for p := range leaves {
		rest, ok := strings.CutPrefix(p, dir)
		if !ok {
			continue
		}
		name := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			name = rest[:i+1]
		}
		if name != "" && !seen[name] {
			seen[name] = true
			entries = append(entries, name)
		}
	}
	if len(entries) == 0 {
		return "", false, nil
	}
	sort.Strings(entries)
	return strings.Join(entries, "\n"), true, nil
}

// instanceLeaves are the instance's own metadata values by path under /latest/.
func instanceLeaves(inst *ec2.Instance) map[string]leaf {
	host := inst.PrivateDNSName()
	l := map[string]leaf{
		"meta-data/ami-id":                      text(inst.ImageID),
		"meta-data/ami-launch-index":            text(strconv.Itoa(inst.LaunchIndex)),
		"meta-data/ami-manifest-path":           text("(unknown)"),
		"meta-data/block-device-mapping/ami":    text("/dev/xvda"),
		"meta-data/block-device-mapping/root":   text("/dev/xvda"),
		"meta-data/hostname":                    text(host),
		"meta-data/instance-action":             text("none"),
		"meta-data/instance-id":                 text(inst.ID),
		"meta-data/instance-life-cycle":         text("on-demand"),
		"meta-data/instance-type":               text(inst.InstanceType),
		"meta-data/local-hostname":              text(host),
		"meta-data/local-ipv4":                  text(inst.PrivateIP),
		"meta-data/mac":                         text(mac(inst.ID)),
		"meta-data/placement/availability-zone": text(inst.AvailabilityZone),
		"meta-data/placement/region":            text(inst.Region),
		"meta-data/profile":                     text("default-hvm"),
		"meta-data/reservation-id":              text(inst.ReservationID),
		"meta-data/security-groups":             text("default"),
		"meta-data/services/domain":             text(arn.DNSSuffix(arn.PartitionOf(inst.Region))),
		"meta-data/services/partition":          text(arn.PartitionOf(inst.Region)),
		"dynamic/instance-identity/document":    text(identityDocument(inst)),
	}
	if inst.Metadata.InstanceMetadataTags == "enabled" {
		for _, t := range inst.Tags {
			l["meta-data/tags/instance/"+t.Key] = text(t.Value)
		}
	}
	return l
}

// addRoleLeaves adds the values of the instance's role (meta-data/iam/...), if it has one.
func (mc *machine) addRoleLeaves(r *http.Request, inst *ec2.Instance, now time.Time, l map[string]leaf) error {
	if inst.Profile == nil {
		return nil
	}
	role, err := mc.m.ec2.RoleOf(r.Context(), inst)
	if errors.Is(err, ec2.ErrNoRole) {
		return nil
	}
	if err != nil {
		return err
	}
	// fromCreds serves a document made of fields of the role's credentials, or the denial
	// when EC2 may not assume the role.
	fromCreds := func(fields func(rc *ec2.RoleCredentials) [][2]string) func() (string, error) {
		return func() (string, error) {
			rc, err := mc.creds.get(r.Context(), mc.m.ec2, inst, role, now)
			if err != nil {
				return "", err
			}
			if rc.Denied {
				return deniedJSON(rc, now), nil
			}
			return jsonObject(fields(rc)), nil
		}
	}
	l["meta-data/iam/info"] = fromCreds(func(rc *ec2.RoleCredentials) [][2]string {
		return [][2]string{
			{"Code", "Success"}, {"LastUpdated", rc.IssuedAt.UTC().Format(credsTime)},
			{"InstanceProfileArn", role.ARN}, {"InstanceProfileId", role.ID},
		}
	})
	l["meta-data/iam/security-credentials/"+role.RoleName] = fromCreds(func(rc *ec2.RoleCredentials) [][2]string {
		return [][2]string{
			{"Code", "Success"}, {"LastUpdated", rc.IssuedAt.UTC().Format(credsTime)}, {"Type", "AWS-HMAC"},
			{"AccessKeyId", rc.Credentials.AccessKeyID}, {"SecretAccessKey", rc.Credentials.SecretAccessKey},
			{"Token", rc.Credentials.SessionToken}, {"Expiration", rc.Credentials.Expiration.UTC().Format(credsTime)},
		}
	})
	return nil
}

// deniedJSON is what IMDS serves when EC2 may not assume the role.
func deniedJSON(rc *ec2.RoleCredentials, now time.Time) string {
	return jsonObject([][2]string{
		{"Code", "AssumeRoleUnauthorizedAccess"},
		{"Message", "EC2 cannot assume the role " + rc.RoleName + ".  Please see documentation at http://docs.amazonwebservices.com/IAM/latest/UserGuide/RolesTroubleshooting.html."},
		{"LastUpdated", now.UTC().Format(credsTime)},
	})
}

// identityDocument is dynamic/instance-identity/document as EC2 writes it.
func identityDocument(inst *ec2.Instance) string {
	null := "\x00null"
	return jsonObject([][2]string{
		{"accountId", inst.Account},
		{"architecture", "x86_64"},
		{"availabilityZone", inst.AvailabilityZone},
		{"billingProducts", null},
		{"devpayProductCodes", null},
		{"marketplaceProductCodes", null},
		{"imageId", inst.ImageID},
		{"instanceId", inst.ID},
		{"instanceType", inst.InstanceType},
		{"kernelId", null},
		{"pendingTime", inst.LaunchTime.UTC().Format(credsTime)},
		{"privateIp", inst.PrivateIP},
		{"ramdiskId", null},
		{"region", inst.Region},
		{"version", "2017-09-30"},
	})
}

// jsonObject writes string members in order, in IMDS's layout ("Key" : "value"); a value
// "\x00null" is JSON null.
func jsonObject(members [][2]string) string {
	var b strings.Builder
	b.WriteString("{\n")
	for i, m := range members {
		b.WriteString("  ")
		b.WriteString(jsonString(m[0]))
		b.WriteString(" : ")
		if m[1] == "\x00null" {
			b.WriteString("null")
		} else {
			b.WriteString(jsonString(m[1]))
		}
		if i < len(members)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}")
	return b.String()
}

// jsonString quotes s as JSON (strconv.Quote's escapes are not all JSON's).
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// mac derives a stable MAC address for the instance's network interface.
func mac(id string) string {
	h := uint32(2166136261)
	for i := 0; i < len(id); i++ {
		h = (h ^ uint32(id[i])) * 16777619
	}
	const hexd = "0123456789abcdef"
	b := []byte{0x0e, byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h), 0x01}
	parts := make([]string, len(b))
	for i, v := range b {
		parts[i] = string([]byte{hexd[v>>4], hexd[v&0xf]})
	}
	return strings.Join(parts, ":")
}
