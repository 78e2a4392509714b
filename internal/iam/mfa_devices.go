package iam

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colMFADevice holds the virtual MFA devices of an account, keyed by their lower-cased path
// (without its leading slash) and name: the rest of the serial number after "mfa/".
const colMFADevice = "iam.mfa-device"

// Virtual MFA device limits (IAM API reference; IAM User Guide, "IAM and AWS STS quotas").
const (
	maxMFADeviceName     = 226
	maxMFADevicesPerUser = 8 // MFADevicesPerUser
	minSerialNumber      = 9
	maxSerialNumber      = 256
	authCodeLength       = 6
)

// mfaIssuer names AWS in the otpauth:// URI of a device's QR code, as authenticator apps
// show it ("Amazon Web Services (NAME@ACCOUNT)").
const mfaIssuer = "Amazon Web Services"

// qrCodeSize is the side, in pixels, of a device's QR code.
const qrCodeSize = 200

var (
	serialNumberPattern = regexp.MustCompile(`^[\w+=/:,.@-]+$`)
	authCodePattern     = regexp.MustCompile(`^[\d]+$`)
)

// MFADevice is a virtual MFA device. Its seed is sealed: only CreateVirtualMFADevice's
// answer carries it in the clear, and only code checks open it.
type MFADevice struct {
	Account    string    `json:"account"`
	Partition  string    `json:"partition,omitempty"` // the account's partition when created; "" is aws
	Name       string    `json:"name"`
	Path       string    `json:"path"`
	CreateDate time.Time `json:"createDate"`
	SealedSeed []byte    `json:"sealedSeed"`
	// UserID is the unique id (AIDA...) of the user the device is enabled for; "" while
	// unassigned. A renamed user keeps its devices.
	UserID string `json:"userId,omitempty"`
	// UserName is the user's name when the device was enabled: where ListVirtualMFADevices
	// looks the user up first (a rename leaves it behind; UserID decides).
	UserName   string    `json:"userName,omitempty"`
	EnableDate time.Time `json:"enableDate,omitzero"`
	// Drift is how many steps the device's clock is ahead of the server's (negative:
	// behind), as the last EnableMFADevice or ResyncMFADevice measured it.
	Drift int64 `json:"drift,omitempty"`
	// LastStep is the TOTP step of the last code accepted: a code that authenticates a
	// request is of a later step. UsedSteps are the last steps accepted (maxUsedSteps at
	// most): EnableMFADevice and ResyncMFADevice take two codes of any other steps, so that
	// a device whose clock was set back can be resynchronized.
	LastStep  int64   `json:"lastStep,omitempty"`
	UsedSteps []int64 `json:"usedSteps,omitempty"`
	Tags      []Tag   `json:"tags,omitempty"`
}

// MFADeviceARN is the serial number (ARN) of a virtual MFA device of the path and name.
func MFADeviceARN(partition, account, path, name string) string {
	return entityARN(partition, account, "mfa", path, name)
}

// SerialNumber is the device's serial number: its ARN.
func (d *MFADevice) SerialNumber() string {
	return MFADeviceARN(d.Partition, d.Account, d.Path, d.Name)
}

// Assigned reports whether the device is enabled for a user.
func (d *MFADevice) Assigned() bool { return d.UserID != "" }

// id is the device's id: its serial number after "mfa/" (folded to lower case in its key).
func (d *MFADevice) id() string { return strings.TrimPrefix(d.Path, "/") + d.Name }

// mfaSeedContext binds a sealed seed to its device.
func mfaSeedContext(account, id string) string {
	return "iam-mfa-seed:" + account + ":" + strings.ToLower(id)
}

// NewVirtualMFADevice is a device just created, with its seed: the one time it is shown.
type NewVirtualMFADevice struct {
	Device *MFADevice
	// Base32StringSeed is the seed in Base32, QRCodePNG a PNG of the QR code of the
	// device's otpauth:// URI.
	Base32StringSeed string
	QRCodePNG        []byte
}

// CreateVirtualMFADeviceInput is CreateVirtualMFADevice's parameters.
type CreateVirtualMFADeviceInput struct {
	Account string
	Name    string
	Path    string
	Tags    []Tag
}

// CreateVirtualMFADevice creates an unassigned virtual MFA device with a new random seed.
func (s *Service) CreateVirtualMFADevice(ctx context.Context, in CreateVirtualMFADeviceInput) (*NewVirtualMFADevice, error) {
	if err := checkName(in.Name, "virtualMFADeviceName", maxMFADeviceName); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path, "path")
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	seed, err := newTOTPSeed()
	if err != nil {
		return nil, err
	}
	d := &MFADevice{Account: in.Account, Name: in.Name, Path: path, CreateDate: s.clock(), Tags: in.Tags}
	if d.SealedSeed, err = s.box.Seal([]byte(seed), mfaSeedContext(in.Account, d.id())); err != nil {
		return nil, fmt.Errorf("iam: sealing an MFA seed: %w", err)
	}
	var accountName string
	err = s.update(ctx, func(tx docstore.Tx) error {
		var a Account
		if err := tx.Get(docstore.Key{Collection: colAccount, ID: in.Account}, &a); err != nil {
			return fmt.Errorf("iam: reading account %s: %w", in.Account, err)
		}
		accountName = a.Alias
		if accountName == "" {
			accountName = a.ID
		}
		d.Partition = stored(arn.OrDefault(a.Partition))
		err := tx.Insert(key(colMFADevice, in.Account, d.id()), d)
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.EntityAlreadyExists("MFADevice entity at the same path and name already exists.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	qr, err := mfaQRCode(MFAKeyURI(in.Name, accountName, seed))
	if err != nil {
		return nil, err
	}
	return &NewVirtualMFADevice{Device: d, Base32StringSeed: seed, QRCodePNG: qr}, nil
}

// MFAKeyURI is the otpauth:// URI (Key URI Format) a device's QR code encodes: the issuer
// and NAME@ACCOUNT (the account's alias, else its id) as the label, the Base32 seed as the
// secret.
func MFAKeyURI(deviceName, accountName, seed string) string {
	issuer := url.PathEscape(mfaIssuer)
	return "otpauth://totp/" + issuer + ":" + url.PathEscape(deviceName+"@"+accountName) +
		"?secret=" + seed + "&issuer=" + issuer
}

// mfaQRCode renders a URI as a QR code PNG.
func mfaQRCode(uri string) ([]byte, error) {
	k, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return nil, fmt.Errorf("iam: reading an MFA key URI: %w", err)
	}
	img, err := k.Image(qrCodeSize, qrCodeSize)
	if err != nil {
		return nil, fmt.Errorf("iam: drawing an MFA QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("iam: encoding an MFA QR code: %w", err)
	}
	return buf.Bytes(), nil
}

// checkSerialNumber validates a SerialNumber parameter.
func checkSerialNumber(serial string) error {
	switch {
	case len(serial) < minSerialNumber:
		return constraint(serial, "serialNumber", fmt.Sprintf("Member must have length greater than or equal to %d", minSerialNumber))
	case len(serial) > maxSerialNumber:
		return constraint(serial, "serialNumber", fmt.Sprintf("Member must have length less than or equal to %d", maxSerialNumber))
	case !serialNumberPattern.MatchString(serial):
		return constraint(serial, "serialNumber", `Member must satisfy regular expression pattern: [\w+=/:,.@-]+`)
	}
	return nil
}

// checkAuthCodes validates AuthenticationCode1 and AuthenticationCode2.
func checkAuthCodes(codes ...string) error {
	for i, c := range codes {
		member := fmt.Sprintf("authenticationCode%d", i+1)
		switch {
		case len(c) < authCodeLength:
			return constraint(c, member, "Member must have length greater than or equal to 6")
		case len(c) > authCodeLength:
			return constraint(c, member, "Member must have length less than or equal to 6")
		case !authCodePattern.MatchString(c):
			return constraint(c, member, `Member must satisfy regular expression pattern: [\d]+`)
		}
	}
	return nil
}

func noSuchMFADevice(serial string) error {
	return awserr.NoSuchEntity("VirtualMFADevice with serial number %s doesn't exist.", serial)
}

func mfaDeviceInvalidForUser() error { return awserr.NoSuchEntity("MFA Device invalid for user.") }

// errInvalidAuthenticationCode is EnableMFADevice's and ResyncMFADevice's answer to codes
// that are not two consecutive codes of the device.
func errInvalidAuthenticationCode() error {
	return awserr.New("InvalidAuthenticationCode", "Authentication code for device is not valid.")
}

// mfaDeviceID returns the id of the device a serial number names in the account, or
// NoSuchEntity for a serial number that names none.
func mfaDeviceID(account, serial string) (string, error) {
	a, err := arn.Parse(serial)
	if err != nil || a.Service != "iam" || a.Account != account || a.Region != "" {
		return "", noSuchMFADevice(serial)
	}
	id, ok := strings.CutPrefix(a.Resource, "mfa/")
	if !ok || id == "" {
		return "", noSuchMFADevice(serial)
	}
	return id, nil
}

// getMFADevice reads the device a serial number names.
func getMFADevice(tx docstore.Tx, account, serial string, d *MFADevice) error {
	id, err := mfaDeviceID(account, serial)
	if err != nil {
		return err
	}
	err = tx.Get(key(colMFADevice, account, id), d)
	if errors.Is(err, docstore.ErrNotFound) || (err == nil && arn.PartitionOfARN(serial) != arn.OrDefault(d.Partition)) {
		return noSuchMFADevice(serial)
	}
	if err != nil {
		return fmt.Errorf("iam: reading MFA device %s: %w", serial, err)
	}
	return nil
}

func putMFADevice(tx docstore.Tx, d *MFADevice) error {
	if err := tx.Put(key(colMFADevice, d.Account, d.id()), d); err != nil {
		return fmt.Errorf("iam: storing MFA device %s: %w", d.SerialNumber(), err)
	}
	return nil
}

// MFADeviceARNAsStored returns the serial number of the device a serial number names,
// spelled as the device was created, or the serial number itself when there is no such
// device: the resource a request on the device is authorized on.
func (s *Service) MFADeviceARNAsStored(ctx context.Context, account, serial string) string {
	var d MFADevice
	if err := s.view(ctx, func(tx docstore.Tx) error { return getMFADevice(tx, account, serial, &d) }); err == nil {
		return d.SerialNumber()
	}
	return serial
}

// devicesOf returns the devices enabled for the user with the id, in serial number order.
func devicesOf(tx docstore.Tx, account, userID string) ([]MFADevice, error) {
	return listDocs(tx, colMFADevice, account, func(d *MFADevice) bool { return d.UserID == userID })
}

// openSeed unseals a device's seed.
func (s *Service) openSeed(d *MFADevice) (string, error) {
	seed, err := s.box.Open(d.SealedSeed, mfaSeedContext(d.Account, d.id()))
	if err != nil {
		return "", fmt.Errorf("iam: opening the seed of MFA device %s: %w", d.SerialNumber(), err)
	}
	return string(seed), nil
}

// syncDevice checks two consecutive codes of the device and, when they are, records the
// device's drift and the last step used.
func (s *Service) syncDevice(d *MFADevice, code1, code2 string) error {
	seed, err := s.openSeed(d)
	if err != nil {
		return err
	}
	now := s.now()
	step, ok, err := totpConsecutive(seed, code1, code2, now, d.spent)
	if err != nil {
		return err
	}
	if !ok {
		return errInvalidAuthenticationCode()
	}
	d.Drift, d.LastStep = step-totpStep(now), step
	d.use(step-1, step)
	return nil
}

// spent reports whether a step's code was accepted already.
func (d *MFADevice) spent(step int64) bool { return slices.Contains(d.UsedSteps, step) }

// use records accepted steps, keeping the last maxUsedSteps.
func (d *MFADevice) use(steps ...int64) {
	d.UsedSteps = append(d.UsedSteps, steps...)
	if n := len(d.UsedSteps); n > maxUsedSteps {
		d.UsedSteps = append([]int64(nil), d.UsedSteps[n-maxUsedSteps:]...)
	}
}

// EnableMFADevice enables a virtual MFA device for a user, given two consecutive codes of
// the device.
func (s *Service) EnableMFADevice(ctx context.Context, account, userName, serial, code1, code2 string) error {
	if err := userKind.checkExistingName(userName); err != nil {
		return err
	}
	if err := checkSerialNumber(serial); err != nil {
		return err
	}
	if err := checkAuthCodes(code1, code2); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var u User
		if err := getUser(tx, account, userName, &u); err != nil {
			return err
		}
		var d MFADevice
		if err := getMFADevice(tx, account, serial, &d); err != nil {
			return err
		}
		if d.Assigned() {
			return awserr.EntityAlreadyExists("MFA Device is already in use.")
		}
		have, err := devicesOf(tx, account, u.ID)
		if err != nil {
			return err
		}
		if len(have) >= maxMFADevicesPerUser {
			return awserr.LimitExceeded("Cannot exceed quota for MFADevicesPerUser: %d", maxMFADevicesPerUser)
		}
		if err := s.syncDevice(&d, code1, code2); err != nil {
			return err
		}
		d.UserID, d.UserName, d.EnableDate = u.ID, u.Name, s.clock()
		return putMFADevice(tx, &d)
	})
}

// changeUserDevice reads a user and its device, lets fn change the device and stores it,
// in one transaction; a device not enabled for the user is NoSuchEntity.
func (s *Service) changeUserDevice(ctx context.Context, account, userName, serial string, fn func(d *MFADevice) error) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var u User
		if err := getUser(tx, account, userName, &u); err != nil {
			return err
		}
		var d MFADevice
		if err := getMFADevice(tx, account, serial, &d); err != nil {
			return err
		}
		if d.UserID != u.ID {
			return mfaDeviceInvalidForUser()
		}
		if err := fn(&d); err != nil {
			return err
		}
		return putMFADevice(tx, &d)
	})
}

// ResyncMFADevice resynchronizes a user's device with two consecutive codes.
func (s *Service) ResyncMFADevice(ctx context.Context, account, userName, serial, code1, code2 string) error {
	if err := userKind.checkExistingName(userName); err != nil {
		return err
	}
	if err := checkSerialNumber(serial); err != nil {
		return err
	}
	if err := checkAuthCodes(code1, code2); err != nil {
		return err
	}
	return s.changeUserDevice(ctx, account, userName, serial, func(d *MFADevice) error {
		return s.syncDevice(d, code1, code2)
	})
}

// DeactivateMFADevice removes a device from its user; the device stays, unassigned.
func (s *Service) DeactivateMFADevice(ctx context.Context, account, userName, serial string) error {
	if err := userKind.checkExistingName(userName); err != nil {
		return err
	}
	if err := checkSerialNumber(serial); err != nil {
		return err
	}
	return s.changeUserDevice(ctx, account, userName, serial, func(d *MFADevice) error {
		d.UserID, d.UserName, d.EnableDate, d.Drift = "", "", time.Time{}, 0
		return nil
	})
}

// DeleteVirtualMFADevice deletes an unassigned device.
func (s *Service) DeleteVirtualMFADevice(ctx context.Context, account, serial string) error {
	if err := checkSerialNumber(serial); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var d MFADevice
		if err := getMFADevice(tx, account, serial, &d); err != nil {
			return err
		}
		if d.Assigned() {
			return awserr.DeleteConflict("MFA VirtualDevice in use. Must deactivate first.")
		}
		return tx.Delete(key(colMFADevice, account, d.id()))
	})
}

// UserMFADevice is a device as enabled for a user (ListMFADevices, GetMFADevice).
type UserMFADevice struct {
	UserName     string
	SerialNumber string
	EnableDate   time.Time
}

// GetMFADevice returns a device enabled for the user.
func (s *Service) GetMFADevice(ctx context.Context, account, userName, serial string) (*UserMFADevice, error) {
	if err := userKind.checkExistingName(userName); err != nil {
		return nil, err
	}
	if err := checkSerialNumber(serial); err != nil {
		return nil, err
	}
	var out UserMFADevice
	err := s.view(ctx, func(tx docstore.Tx) error {
		var u User
		if err := getUser(tx, account, userName, &u); err != nil {
			return err
		}
		var d MFADevice
		if err := getMFADevice(tx, account, serial, &d); err != nil {
			return err
		}
		if d.UserID != u.ID {
			return mfaDeviceInvalidForUser()
		}
		out = UserMFADevice{UserName: u.Name, SerialNumber: d.SerialNumber(), EnableDate: d.EnableDate}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListMFADevices lists the devices enabled for a user ("" for the root user, which has
// none here), in serial number order.
func (s *Service) ListMFADevices(ctx context.Context, account, userName string, p Page) (PageOf[UserMFADevice], error) {
	if err := p.check(); err != nil {
		return PageOf[UserMFADevice]{}, err
	}
	var out []UserMFADevice
	if userName != "" {
		err := s.view(ctx, func(tx docstore.Tx) error {
			var u User
			if err := getUser(tx, account, userName, &u); err != nil {
				return err
			}
			have, err := devicesOf(tx, account, u.ID)
			for i := range have {
				out = append(out, UserMFADevice{UserName: u.Name, SerialNumber: have[i].SerialNumber(), EnableDate: have[i].EnableDate})
			}
			return err
		})
		if err != nil {
			return PageOf[UserMFADevice]{}, err
		}
	}
	return paginate(out, func(d UserMFADevice) string { return strings.ToLower(d.SerialNumber) }, p)
}

// VirtualMFADevice is a device as ListVirtualMFADevices shows it: with its user, when
// assigned.
type VirtualMFADevice struct {
	MFADevice
	User *User
}

// changeMFADevice reads a device, lets fn change it, and stores it, in one transaction.
func (s *Service) changeMFADevice(ctx context.Context, account, serial string, fn func(d *MFADevice) error) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var d MFADevice
		if err := getMFADevice(tx, account, serial, &d); err != nil {
			return err
		}
		if err := fn(&d); err != nil {
			return err
		}
		return putMFADevice(tx, &d)
	})
}

// TagMFADevice adds or replaces tags of a device.
func (s *Service) TagMFADevice(ctx context.Context, account, serial string, tags []Tag) error {
	if err := checkSerialNumber(serial); err != nil {
		return err
	}
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.changeMFADevice(ctx, account, serial, func(d *MFADevice) error { return addTags(&d.Tags, tags) })
}

// UntagMFADevice removes tags of a device by key.
func (s *Service) UntagMFADevice(ctx context.Context, account, serial string, keys []string) error {
	if err := checkSerialNumber(serial); err != nil {
		return err
	}
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return s.changeMFADevice(ctx, account, serial, func(d *MFADevice) error {
		removeTags(&d.Tags, keys)
		return nil
	})
}

// ListMFADeviceTags lists a device's tags in the order they were added.
func (s *Service) ListMFADeviceTags(ctx context.Context, account, serial string, p Page) (PageOf[Tag], error) {
	if err := checkSerialNumber(serial); err != nil {
		return PageOf[Tag]{}, err
	}
	if err := p.check(); err != nil {
		return PageOf[Tag]{}, err
	}
	var d MFADevice
	if err := s.view(ctx, func(tx docstore.Tx) error { return getMFADevice(tx, account, serial, &d) }); err != nil {
		return PageOf[Tag]{}, err
	}
	return paginateInOrder(d.Tags, p)
}

// countMFADevices sets GetAccountSummary's MFADevices (the account's virtual devices) and
// MFADevicesInUse (those enabled for a user) in its entries.
func countMFADevices(tx docstore.Tx, account string, entries []SummaryEntry) error {
	devices, err := listDocs(tx, colMFADevice, account, func(*MFADevice) bool { return true })
	if err != nil {
		return err
	}
	inUse := 0
	for i := range devices {
		if devices[i].Assigned() {
			inUse++
		}
	}
	for i := range entries {
		switch entries[i].Key {
		case "MFADevices":
			entries[i].Value = len(devices)
		case "MFADevicesInUse":
			entries[i].Value = inUse
		}
	}
	return nil
}
