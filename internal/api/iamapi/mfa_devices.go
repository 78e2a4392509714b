package iamapi

import (
	"encoding/base64"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
)

func mfaDeviceRoutes() map[string]route {
	return map[string]route{
		"CreateVirtualMFADevice": creates((*call).newMFADeviceARN, (*call).createVirtualMFADevice),
		"EnableMFADevice":        on(OnUser, (*call).enableMFADevice),
		"ResyncMFADevice":        on(OnUser, (*call).resyncMFADevice),
		"DeactivateMFADevice":    on(OnUser, (*call).deactivateMFADevice),
		"DeleteVirtualMFADevice": on(OnMFASerial, (*call).deleteVirtualMFADevice),
		"GetMFADevice":           on(OnUser, (*call).getMFADevice),
		"ListMFADevices":         on(OnUser, (*call).listMFADevices),
		"ListVirtualMFADevices":  anywhere((*call).listVirtualMFADevices),
		"TagMFADevice":           on(OnMFADevice, (*call).tagMFADevice),
		"UntagMFADevice":         on(OnMFADevice, (*call).untagMFADevice),
		"ListMFADeviceTags":      on(OnMFADevice, (*call).listMFADeviceTags),
	}
}

// newMFADeviceARN is the serial number the device CreateVirtualMFADevice asks for will
// have: arn:aws:iam::ACCOUNT:mfa/PATH/NAME (the path's leading slash is the ARN's).
func (c *call) newMFADeviceARN() string { return c.newARN("mfa", "VirtualMFADeviceName") }

// serial is the SerialNumber parameter.
func (c *call) serial() string { return c.q.Get("SerialNumber") }

type xmlVirtualMFADevice struct {
	SerialNumber     string   `xml:"SerialNumber"`
	Base32StringSeed string   `xml:"Base32StringSeed,omitempty"` // a blob: base64 on the wire
	QRCodePNG        string   `xml:"QRCodePNG,omitempty"`
	User             *xmlUser `xml:"User,omitempty"`
	EnableDate       string   `xml:"EnableDate,omitempty"`
	Tags             *xmlTags `xml:"Tags,omitempty"`
}

type createVirtualMFADeviceResult struct {
	VirtualMFADevice xmlVirtualMFADevice `xml:"VirtualMFADevice"`
}

func (c *call) createVirtualMFADevice() (any, error) {
	out, err := c.api.iam.CreateVirtualMFADevice(c.ctx, iam.CreateVirtualMFADeviceInput{
		Account: c.account, Name: c.q.Get("VirtualMFADeviceName"), Path: c.q.Get("Path"), Tags: c.tags(),
	})
	if err != nil {
		return nil, err
	}
	return createVirtualMFADeviceResult{xmlVirtualMFADevice{
		SerialNumber:     out.Device.SerialNumber(),
		Base32StringSeed: base64.StdEncoding.EncodeToString([]byte(out.Base32StringSeed)),
		QRCodePNG:        base64.StdEncoding.EncodeToString(out.QRCodePNG),
		Tags:             tagsXML(out.Device.Tags),
	}}, nil
}

// mfaUser is the UserName of a call on a user's device: the caller's own name without
// it (for the calls where AWS makes it optional), as for access keys.
func (c *call) mfaUser() (string, error) {
	name, err := c.subjectUser()
	if err == nil && name == "" {
		// The root user has no IAM user name: its devices are not served here.
		return "", awserr.ValidationError("Must specify userName when calling with non-User credentials")
	}
	return name, err
}

func (c *call) enableMFADevice() (any, error) {
	return nil, c.api.iam.EnableMFADevice(c.ctx, c.account, c.q.Get("UserName"), c.serial(),
		c.q.Get("AuthenticationCode1"), c.q.Get("AuthenticationCode2"))
}

func (c *call) resyncMFADevice() (any, error) {
	return nil, c.api.iam.ResyncMFADevice(c.ctx, c.account, c.q.Get("UserName"), c.serial(),
		c.q.Get("AuthenticationCode1"), c.q.Get("AuthenticationCode2"))
}

func (c *call) deactivateMFADevice() (any, error) {
	name, err := c.mfaUser()
	if err != nil {
		return nil, err
	}
	return nil, c.api.iam.DeactivateMFADevice(c.ctx, c.account, name, c.serial())
}

func (c *call) deleteVirtualMFADevice() (any, error) {
	return nil, c.api.iam.DeleteVirtualMFADevice(c.ctx, c.account, c.serial())
}

type getMFADeviceResult struct {
	UserName     string `xml:"UserName,omitempty"`
	SerialNumber string `xml:"SerialNumber"`
	EnableDate   string `xml:"EnableDate,omitempty"`
}

func (c *call) getMFADevice() (any, error) {
	name, err := c.mfaUser()
	if err != nil {
		return nil, err
	}
	d, err := c.api.iam.GetMFADevice(c.ctx, c.account, name, c.serial())
	if err != nil {
		return nil, err
	}
	return getMFADeviceResult{UserName: d.UserName, SerialNumber: d.SerialNumber, EnableDate: isoTime(d.EnableDate)}, nil
}

type xmlMFADevice struct {
	UserName     string `xml:"UserName"`
	SerialNumber string `xml:"SerialNumber"`
	EnableDate   string `xml:"EnableDate"`
}

type listMFADevicesResult struct {
	MFADevices  []xmlMFADevice `xml:"MFADevices>member"`
	IsTruncated bool           `xml:"IsTruncated"`
	Marker      string         `xml:"Marker,omitempty"`
}

// listMFADevices lists the devices of UserName, or of the caller without it (none for the
// root user).
func (c *call) listMFADevices() (any, error) {
	name, err := c.subjectUser()
	if err != nil {
		return nil, err
	}
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListMFADevices(c.ctx, c.account, name, p)
	if err != nil {
		return nil, err
	}
	out := listMFADevicesResult{MFADevices: []xmlMFADevice{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for _, d := range page.Items {
		out.MFADevices = append(out.MFADevices, xmlMFADevice{UserName: d.UserName, SerialNumber: d.SerialNumber, EnableDate: isoTime(d.EnableDate)})
	}
	return out, nil
}

type listVirtualMFADevicesResult struct {
	VirtualMFADevices []xmlVirtualMFADevice `xml:"VirtualMFADevices>member"`
	IsTruncated       bool                  `xml:"IsTruncated"`
	Marker            string                `xml:"Marker,omitempty"`
}

func (c *call) listVirtualMFADevices() (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	page, err := c.api.iam.ListVirtualMFADevices(c.ctx, c.account, c.q.Get("AssignmentStatus"), p)
	if err != nil {
		return nil, err
	}
	out := listVirtualMFADevicesResult{VirtualMFADevices: []xmlVirtualMFADevice{}, IsTruncated: page.IsTruncated, Marker: page.Marker}
	for i := range page.Items {
		d := &page.Items[i]
		x := xmlVirtualMFADevice{SerialNumber: d.SerialNumber(), Tags: tagsXML(d.Tags)}
		if d.User != nil {
			u := userXML(d.User, false)
			x.User, x.EnableDate = &u, isoTime(d.EnableDate)
		}
		out.VirtualMFADevices = append(out.VirtualMFADevices, x)
	}
	return out, nil
}

func (c *call) tagMFADevice() (any, error) {
	return nil, c.api.iam.TagMFADevice(c.ctx, c.account, c.serial(), c.tags())
}

func (c *call) untagMFADevice() (any, error) {
	return nil, c.api.iam.UntagMFADevice(c.ctx, c.account, c.serial(), c.q.List("TagKeys"))
}

func (c *call) listMFADeviceTags() (any, error) {
	return c.tagPage(func(p iam.Page) (iam.PageOf[iam.Tag], error) {
		return c.api.iam.ListMFADeviceTags(c.ctx, c.account, c.serial(), p)
	})
}
