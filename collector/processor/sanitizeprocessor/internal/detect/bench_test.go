package detect

import "testing"

func BenchmarkMaskWorstError(b *testing.B) {
	s, _ := engine(b)
	secret := "sk-ant-api03-" + "Zx9_Qw8-Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7Nm6Zx9_Qw8-Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8Vb7Nm6" + "AA"
	v := "Overloaded while calling https://api.example.com from 10.1.2.3 as bob.smith@example.com (key " + secret + ")"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := NewText(v)
		MaskHomePaths(&t)
		s.Mask(&t)
		MaskEmails(&t, "<email>")
		MaskIPs(&t, "<ip>")
		_ = t.String()
	}
}
