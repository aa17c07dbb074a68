package export

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"minqing/layers"
)

// kmlDoc is what the tests read back from a KML export.
type kmlDoc struct {
	XMLName  xml.Name `xml:"http://www.opengis.net/kml/2.2 kml"`
	Document struct {
		Name       string `xml:"name"`
		Placemarks []struct {
			ID          string `xml:"id,attr"`
			Name        string `xml:"name"`
			Description string `xml:"description"`
			When        string `xml:"TimeStamp>when"`
			Data        []struct {
				Name        string `xml:"name,attr"`
				DisplayName string `xml:"displayName"`
				Value       string `xml:"value"`
			} `xml:"ExtendedData>Data"`
			Point        string   `xml:"Point>coordinates"`
			PolygonOuter []string `xml:"MultiGeometry>Polygon>outerBoundaryIs>LinearRing>coordinates"`
			PolygonInner []string `xml:"MultiGeometry>Polygon>innerBoundaryIs>LinearRing>coordinates"`
		} `xml:"Placemark"`
	} `xml:"Document"`
}

func readKML(t *testing.T, b []byte) kmlDoc {
	t.Helper()
	var doc kmlDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("KML does not parse: %v\n%s", err, b)
	}
	return doc
}

func TestKMLPoints(t *testing.T) {
	l := testLayer(t, "incidents")
	o := Options{Layer: l, Columns: l.VisibleFields(layers.Staff)}
	b := encodeAll(t, KML, o, []*layers.Feature{incident(1), incident(2), incident(3)})
	if !bytes.HasPrefix(b, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("no XML declaration: %.60s", b)
	}
	doc := readKML(t, b)
	if doc.Document.Name != "诉求 Incidents" || len(doc.Document.Placemarks) != 3 {
		t.Fatalf("document %q with %d placemarks", doc.Document.Name, len(doc.Document.Placemarks))
	}
	p := doc.Document.Placemarks[0]
	if p.ID != "incidents.1" || p.Name != "水管爆裂" {
		t.Errorf("placemark id %q name %q, want incidents.1 named by the label field (category)", p.ID, p.Name)
	}
	if p.Point != "116.2812346,39.8523457" {
		t.Errorf("coordinates = %q", p.Point)
	}
	if p.When != "2026-03-05T15:03:07+08:00" {
		t.Errorf("TimeStamp = %q", p.When)
	}
	// The description is HTML: a citizen's "<b>" must arrive escaped.
	if !strings.Contains(p.Description, "诉求内容：=HYPERLINK(&#34;http://evil&#34;) 楼道&#34;漏水&#34;, 三单元 &lt;b&gt;急&lt;/b&gt; &amp; 速") {
		t.Errorf("description does not list the escaped description: %q", p.Description)
	}
	if !strings.Contains(p.Description, "受理时间：2026-03-05 15:03:07<br/>") {
		t.Errorf("description lacks the received time: %q", p.Description)
	}
	if strings.Contains(p.Description, "关闭时间") {
		t.Errorf("description lists an empty property: %q", p.Description)
	}
	data := map[string]string{}
	for _, d := range p.Data {
		data[d.Name] = d.Value
		if d.Name == "category" && d.DisplayName != "问题分类" {
			t.Errorf("category displayName = %q", d.DisplayName)
		}
	}
	if len(p.Data) != len(o.Columns) || data["external_id"] != "12345-000001" || data["satisfied"] != "false" {
		t.Errorf("ExtendedData = %v", data)
	}
}

func TestKMLPublicAndPolygons(t *testing.T) {
	l := testLayer(t, "incidents")
	o := Options{Layer: l, Columns: l.VisibleFields(layers.Public)}
	b := encodeAll(t, KML, o, []*layers.Feature{incident(1)})
	for _, secret := range []string{"HYPERLINK", "新华街二里", "12345-000001", "诉求内容"} {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("public KML contains staff-only %q", secret)
		}
	}

	c := testLayer(t, "communities")
	doc := readKML(t, encodeAll(t, KML, Options{Layer: c, Columns: c.VisibleFields(layers.Public)}, []*layers.Feature{community(4)}))
	p := doc.Document.Placemarks[0]
	if p.Name != "北大地西区" || p.When != "" {
		t.Errorf("name %q when %q", p.Name, p.When)
	}
	if len(p.PolygonOuter) != 1 || len(p.PolygonInner) != 1 ||
		p.PolygonOuter[0] != "116.27,39.845 116.28,39.845 116.28,39.85 116.27,39.85 116.27,39.845" {
		t.Errorf("polygon = %v / %v", p.PolygonOuter, p.PolygonInner)
	}
}

func TestKMLLabelFallsBackWhenHidden(t *testing.T) {
	l := testLayer(t, "incidents")
	q := layers.Query{Role: layers.Public, Properties: []string{"status"}}
	doc := readKML(t, encodeAll(t, KML, Options{Layer: l, Columns: q.Columns(l)}, []*layers.Feature{incident(9)}))
	if got := doc.Document.Placemarks[0].Name; got != "诉求 9" {
		t.Errorf("name = %q, want the layer title and id when the label field is not exported", got)
	}
}
