package secretbox

import "reflect"

// FillAndList makes a document of the collection's type with every slice given one element
// and every pointer set, and returns it with the addresses of the fields the collection
// lists as sealed, for the coverage test.
func FillAndList(c Collection) (doc any, listed []*[]byte) {
	doc = c.newDoc()
	fillValue(reflect.ValueOf(doc).Elem(), 0)
	for _, f := range c.fieldsOf("123456789012", "id", doc) {
		listed = append(listed, f.Value)
	}
	return doc, listed
}

// fillValue gives every slice of v one element and every pointer a value, at any depth.
func fillValue(v reflect.Value, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() && v.CanSet() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if !v.IsNil() {
			fillValue(v.Elem(), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				fillValue(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if v.CanSet() && v.Len() == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		}
		if v.Type().Elem().Kind() != reflect.Uint8 {
			for i := range v.Len() {
				fillValue(v.Index(i), depth+1)
			}
		}
	}
}
