package ai_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/ai"
)

// The test set: short support messages, none of them from langdata.
var languageSet = []struct{ lang, text string }{
	{"en", "Hi, my invoice shows the wrong amount, can someone look at it?"},
	{"en", "Thanks for the quick answer, everything works now."},
	{"en", "I would like to change the colour of the sofa I bought yesterday."},
	{"en", "Is the store open on Sunday afternoon?"},
	{"en", "Hey there, where can I find my receipts?"},
	{"fr", "Bonjour, ma facture indique un mauvais montant, quelqu'un peut regarder ?"},
	{"fr", "Merci pour la réponse rapide, tout fonctionne maintenant."},
	{"fr", "Je voudrais changer la couleur du canapé acheté hier."},
	{"fr", "Le magasin est-il ouvert le dimanche après-midi ?"},
	{"fr", "Salut, où puis-je trouver mes reçus ?"},
	{"es", "Hola, mi factura muestra un importe equivocado, ¿alguien puede revisarla?"},
	{"es", "Gracias por la respuesta rápida, ahora todo funciona."},
	{"es", "Quisiera cambiar el color del sofá que compré ayer."},
	{"es", "¿La tienda está abierta el domingo por la tarde?"},
	{"es", "Buenas, ¿dónde puedo encontrar mis recibos?"},
	{"de", "Hallo, meine Rechnung zeigt einen falschen Betrag, kann sich das jemand ansehen?"},
	{"de", "Danke für die schnelle Antwort, jetzt funktioniert alles."},
	{"de", "Ich möchte die Farbe des Sofas ändern, das ich gestern gekauft habe."},
	{"de", "Hat der Laden am Sonntagnachmittag geöffnet?"},
	{"de", "Wo finde ich meine Quittungen?"},
	{"pt", "Olá, a minha fatura mostra um valor errado, alguém pode verificar?"},
	{"pt", "Obrigado pela resposta rápida, agora tudo funciona."},
	{"pt", "Gostaria de mudar a cor do sofá que comprei ontem."},
	{"pt", "A loja está aberta no domingo à tarde?"},
	{"pt", "Onde posso encontrar os meus recibos?"},
	{"it", "Salve, la mia fattura riporta un importo sbagliato, qualcuno può controllare?"},
	{"it", "Grazie per la risposta veloce, adesso funziona tutto."},
	{"it", "Vorrei cambiare il colore del divano che ho comprato ieri."},
	{"it", "Il negozio è aperto la domenica pomeriggio?"},
	{"it", "Dove posso trovare le mie ricevute?"},
	{"nl", "Hallo, mijn factuur toont een verkeerd bedrag, kan iemand ernaar kijken?"},
	{"nl", "Bedankt voor het snelle antwoord, alles werkt nu."},
	{"nl", "Ik wil graag de kleur van de bank veranderen die ik gisteren kocht."},
	{"nl", "Is de winkel op zondagmiddag open?"},
	{"nl", "Waar kan ik mijn bonnetjes vinden?"},
}

func TestDetectLanguage(t *testing.T) {
	right := 0
	for _, tc := range languageSet {
		got, conf := ai.DetectLanguage(tc.text)
		if got == tc.lang {
			right++
		} else {
			t.Logf("%q: want %s, got %q (%.2f)", tc.text, tc.lang, got, conf)
		}
	}
	acc := float64(right) / float64(len(languageSet))
	t.Logf("language accuracy %.3f (%d/%d)", acc, right, len(languageSet))
	if acc < 0.9 {
		t.Errorf("language accuracy %.3f is below 0.9", acc)
	}
	if got, _ := ai.DetectLanguage("ok"); got != "" {
		t.Errorf("too short: got %q", got)
	}
}
