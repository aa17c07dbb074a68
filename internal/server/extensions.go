package server

import "minqing/layers"

// extensions holds the state of the endpoint groups that need some (the tile
// cache, for instance). Each group adds its field here.
type extensions struct{}

func newExtensions(s *Server) extensions { return extensions{} }

// extraLayers lists derived layers (hotspots) for /layers.
func (x extensions) extraLayers(role layers.Role) []layerInfo { return nil }
