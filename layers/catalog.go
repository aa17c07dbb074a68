package layers

import "sort"

// Catalog is the set of layers one deployment serves.
type Catalog struct {
	layers []*Layer
	byName map[string]*Layer
}

// NewCatalog builds a catalog; layer names must be unique.
func NewCatalog(ls ...*Layer) *Catalog {
	c := &Catalog{byName: make(map[string]*Layer, len(ls))}
	for _, l := range ls {
		c.layers = append(c.layers, l)
		c.byName[l.Name] = l
	}
	return c
}

// All returns every layer, whatever its access, in catalog order. Only stores,
// migrations and the demo loader use it; handlers use Visible.
func (c *Catalog) All() []*Layer { return c.layers }

// Visible returns the layers role may see, in catalog order.
func (c *Catalog) Visible(role Role) []*Layer {
	var out []*Layer
	for _, l := range c.layers {
		if role.Can(l.Access) {
			out = append(out, l)
		}
	}
	return out
}

// Get returns the named layer if role may see it, else ErrNotFound: a staff
// layer is as absent to the public as a layer that does not exist.
func (c *Catalog) Get(name string, role Role) (*Layer, error) {
	l, ok := c.byName[name]
	if !ok || !role.Can(l.Access) {
		return nil, ErrNotFound
	}
	return l, nil
}

// Lookup returns the named layer whatever its access (for stores and tools).
func (c *Catalog) Lookup(name string) (*Layer, bool) {
	l, ok := c.byName[name]
	return l, ok
}

// Names returns the names of the layers role may see, sorted.
func (c *Catalog) Names(role Role) []string {
	var out []string
	for _, l := range c.Visible(role) {
		out = append(out, l.Name)
	}
	sort.Strings(out)
	return out
}
