"""All user-facing strings, in English and Italian, in one catalogue.

``t("key", lang)`` returns the text; ``name(dataset, "services", "blog", lang)`` the
name of a row of a data table; ``eur(1234.5, lang)`` formats money ("EUR 1,235" or
"1.235 EUR"). English is the default; pass ``lang="it"`` for Italian.
``display_format(lang)`` makes pandas show the numbers of every table in that format.
"""
from __future__ import annotations

LANGS = ("en", "it")

STRINGS: dict[str, dict[str, str]] = {
    # recommendations and bands
    "outsource": {"en": "Outsource", "it": "Esternalizzare"},
    "outsource_with_clauses": {"en": "Outsource with clauses", "it": "Esternalizzare con clausole"},
    "keep_in_house": {"en": "Keep in house", "it": "Tenere in azienda"},
    "low": {"en": "Low", "it": "Basso"},
    "medium": {"en": "Medium", "it": "Medio"},
    "high": {"en": "High", "it": "Alto"},
    "critical": {"en": "Critical", "it": "Critico"},
    "risk_above_appetite": {"en": "risk above appetite", "it": "rischio oltre la soglia"},
    "not_worth_it": {"en": "costs more than it saves", "it": "costa più di quanto fa risparmiare"},
    "worth_it": {"en": "saves more than it risks", "it": "fa risparmiare più di quanto rischia"},
    # table columns
    "service": {"en": "Service", "it": "Servizio"},
    "legal_area": {"en": "Legal area", "it": "Area legale"},
    "clause": {"en": "Clause", "it": "Clausola"},
    "inhouse_cost": {"en": "In-house cost (EUR)", "it": "Costo interno (EUR)"},
    "outsourced_cost": {"en": "Outsourced cost (EUR)", "it": "Costo esterno (EUR)"},
    "savings": {"en": "Savings (EUR)", "it": "Risparmio (EUR)"},
    "inherent_risk": {"en": "Inherent risk (0-25)", "it": "Rischio inerente (0-25)"},
    "residual_risk": {"en": "Residual risk (0-25)", "it": "Rischio residuo (0-25)"},
    "risk_band": {"en": "Risk band", "it": "Fascia di rischio"},
    "expected_legal_loss": {"en": "Expected legal loss (EUR)", "it": "Perdita legale attesa (EUR)"},
    "inhouse_risk": {"en": "In-house risk (0-25)", "it": "Rischio in azienda (0-25)"},
    "inhouse_legal_loss": {"en": "Expected legal loss in house (EUR)", "it": "Perdita legale attesa in azienda (EUR)"},
    "outsourced_legal_loss": {"en": "Expected legal loss outsourced (EUR)",
                              "it": "Perdita legale attesa esternalizzando (EUR)"},
    "inhouse_score": {"en": "In-house score (0-25)", "it": "Punteggio in azienda (0-25)"},
    "residual_score": {"en": "Outsourced score, with the clauses (0-25)",
                       "it": "Punteggio esternalizzando, con le clausole (0-25)"},
    "net_benefit": {"en": "Net benefit (EUR)", "it": "Beneficio netto (EUR)"},
    "recommendation": {"en": "Recommendation", "it": "Raccomandazione"},
    "reason": {"en": "Why", "it": "Perché"},
    "clauses_applied": {"en": "Clauses that protect it", "it": "Clausole che lo proteggono"},
    # plots (toolkit/plots.py): titles, axis labels with units, legends, captions
    "plot_savings_vs_risk_title": {"en": "Savings against residual legal risk",
                                   "it": "Risparmio e rischio legale residuo"},
    "plot_residual_axis": {"en": "Residual risk (score 0-25)", "it": "Rischio residuo (punteggio 0-25)"},
    "plot_savings_axis": {"en": "Savings over the horizon (EUR)", "it": "Risparmio sull'orizzonte (EUR)"},
    "plot_q_saves_ok": {"en": "saves, risk within the appetite", "it": "fa risparmiare, rischio entro la soglia"},
    "plot_q_saves_risky": {"en": "saves, risk above the appetite", "it": "fa risparmiare, rischio oltre la soglia"},
    "plot_q_costs_ok": {"en": "costs more, risk within the appetite", "it": "costa di più, rischio entro la soglia"},
    "plot_q_costs_risky": {"en": "costs more, risk above the appetite",
                           "it": "costa di più, rischio oltre la soglia"},
    "plot_appetite_line": {"en": "highest risk accepted: {band} (\u2264 {score})",
                           "it": "rischio massimo accettato: {band} (\u2264 {score})"},
    "plot_net_benefit_title": {"en": "Net benefit by service", "it": "Beneficio netto per servizio"},
    "plot_net_benefit_axis": {"en": "Net benefit over the horizon (EUR)",
                              "it": "Beneficio netto sull'orizzonte (EUR)"},
    "plot_heatmap_title_residual": {"en": "Residual risk by service and legal area (with the clauses)",
                                    "it": "Rischio residuo per servizio e area legale (con le clausole)"},
    "plot_heatmap_title_inherent": {"en": "Inherent risk by service and legal area (no clauses)",
                                    "it": "Rischio inerente per servizio e area legale (senza clausole)"},
    "plot_score_colorbar": {"en": "score (likelihood x impact)", "it": "punteggio (probabilità x impatto)"},
    "plot_not_exposed": {"en": "- = not exposed", "it": "- = non esposto"},
    "plot_matrix_title_inherent": {"en": "Risk matrix: {service} (inherent, no clauses)",
                                   "it": "Matrice dei rischi: {service} (inerente, senza clausole)"},
    "plot_matrix_title_residual": {"en": "Risk matrix: {service} (residual, with the clauses)",
                                   "it": "Matrice dei rischi: {service} (residuo, con le clausole)"},
    "plot_impact_axis": {"en": "Impact (level 1-5)", "it": "Impatto (livello 1-5)"},
    "plot_likelihood_axis": {"en": "Likelihood (level 1-5)", "it": "Probabilità (livello 1-5)"},
    "plot_band_legend": {"en": "{band} (score {low}-{high})", "it": "{band} (punteggio {low}-{high})"},
    "plot_dumbbell_title": {"en": "Legal risk before and after the clauses",
                            "it": "Rischio legale prima e dopo le clausole"},
    "plot_risk_score_axis": {"en": "Risk score (likelihood x impact, 0-25)",
                             "it": "Punteggio di rischio (probabilità x impatto, 0-25)"},
    "plot_inherent_marker": {"en": "inherent risk (no clauses)", "it": "rischio inerente (senza clausole)"},
    "plot_residual_marker": {"en": "residual risk (with the clauses)", "it": "rischio residuo (con le clausole)"},
    # plots.inhouse_vs_outsourced: both sides of the decision, per service
    "plot_sides_title": {"en": "Legal risk kept in house and outsourced, by service",
                         "it": "Rischio legale in azienda ed esternalizzando, per servizio"},
    "plot_inhouse_marker": {"en": "kept in house (the firm's own staff)",
                            "it": "in azienda (con il proprio personale)"},
    "plot_outsourced_marker": {"en": "outsourced, with the clauses in the contract",
                               "it": "esternalizzato, con le clausole del contratto"},
    "plot_sides_header": {"en": "outsourcing is", "it": "esternalizzare è"},
    "plot_sides_riskier": {"en": "riskier (+{points})", "it": "più rischioso (+{points})"},
    "plot_sides_safer": {"en": "safer (\u2212{points})", "it": "meno rischioso (\u2212{points})"},
    "plot_sides_same": {"en": "the same", "it": "uguale"},
    "plot_heatmap_title_inhouse": {"en": "Risk by service and legal area when kept in house",
                                   "it": "Rischio per servizio e area legale tenendo il servizio in azienda"},
    "plot_matrix_title_inhouse": {"en": "Risk matrix: {service} (kept in house)",
                                  "it": "Matrice dei rischi: {service} (in azienda)"},
    "plot_required": {"en": "required by law", "it": "imposta dalla legge"},
    "plot_cost_title": {"en": "In-house cost against outsourced cost", "it": "Costo interno e costo esterno"},
    "plot_cost_axis": {"en": "Cost over the horizon (EUR)", "it": "Costo sull'orizzonte (EUR)"},
    "plot_cost_inhouse": {"en": "in-house cost", "it": "costo interno"},
    "plot_cost_fee": {"en": "supplier's fee", "it": "compenso del fornitore"},
    "plot_cost_clause_premium": {"en": "clause premium", "it": "sovrapprezzo per le clausole"},
    "plot_cost_vendor_management": {"en": "vendor management", "it": "gestione del fornitore"},
    "plot_cost_transition": {"en": "transition (one-off)", "it": "transizione (una tantum)"},
    "plot_cost_drafting": {"en": "contract drafting (one-off)", "it": "redazione del contratto (una tantum)"},
    "plot_clause_title": {"en": "What each clause costs and what risk it removes",
                          "it": "Quanto costa ogni clausola e quanto rischio toglie"},
    "plot_eur_axis": {"en": "EUR over the horizon", "it": "EUR sull'orizzonte"},
    "plot_clause_cost": {"en": "cost: premiums + drafting (below 0: a discount)",
                         "it": "costo: sovrapprezzi + redazione (sotto 0: uno sconto)"},
    "plot_clause_removed": {"en": "expected legal loss removed (below 0: risk added)",
                            "it": "perdita legale attesa eliminata (sotto 0: rischio aggiunto)"},
    "plot_adopted": {"en": "adopted", "it": "adottata"},
    # the break-even may be where outsourcing starts to pay or where it stops (online reputation by volume)
    "plot_break_even_title": {"en": "Where outsourcing starts or stops paying",
                              "it": "Dove l'esternalizzazione comincia o smette di convenire"},
    "plot_break_even_point": {"en": "break-even point", "it": "punto di pareggio"},
    "plot_break_even_label": {"en": "{service} (break-even {value})", "it": "{service} (pareggio {value})"},
    "plot_lines_coincide": {"en": "Lines on top of each other: {lines}",
                            "it": "Linee sovrapposte: {lines}"},
    "plot_field_horizon_months": {"en": "Contract horizon (months)", "it": "Durata del contratto (mesi)"},
    "plot_field_volume": {"en": "Activity volume (x reference)", "it": "Volume di attività (x riferimento)"},
    "plot_field_salary_multiplier": {"en": "Salary (x profile salary)", "it": "Stipendio (x stipendio del profilo)"},
    "plot_field_fee_multiplier": {"en": "Supplier's fee (x reference fee)",
                                  "it": "Compenso del fornitore (x compenso di riferimento)"},
    "plot_field_management_hours": {"en": "Vendor management (hours a month)",
                                    "it": "Gestione del fornitore (ore al mese)"},
    "plot_field_transition_months": {"en": "Transition (months)", "it": "Transizione (mesi)"},
    "plot_field_eur_per_risk_point": {"en": "EUR a year per risk point", "it": "EUR all'anno per punto di rischio"},
    # widgets
    "invalid_combination": {"en": "These inputs cannot be evaluated: {problem}",
                            "it": "Questi dati non si possono valutare: {problem}"},
    "fix_services": {"en": "Tick at least one service to see the decision.",
                     "it": "Spunta almeno un servizio per vedere la decisione."},
    "half_scored_impact": {"en": "Set the impact too, or both to 0 if the supplier brings no risk here: with "
                                 "one of the two at 0 the score is 0.",
                           "it": "Imposta anche l'impatto, oppure entrambi a 0 se qui il fornitore non porta "
                                 "rischi: con uno dei due a 0 il punteggio è 0."},
    "half_scored_likelihood": {"en": "Set the likelihood too, or both to 0 if the supplier brings no risk here: "
                                     "with one of the two at 0 the score is 0.",
                               "it": "Imposta anche la probabilità, oppure entrambi a 0 se qui il fornitore non "
                                     "porta rischi: con uno dei due a 0 il punteggio è 0."},
    "entry_range": {"en": "Type a number from {low} to {high} to see the results.",
                    "it": "Scrivi un numero da {low} a {high} per vedere i risultati."},
    "entry_range_whole": {"en": "Type a whole number from {low} to {high} to see the results.",
                          "it": "Scrivi un numero intero da {low} a {high} per vedere i risultati."},
    # the charts' text alternatives (alt text), for screen readers
    "alt_none": {"en": "none", "it": "nessuno"},
    "alt_explorer": {"en": "Two charts. Left: each service's savings against its residual legal risk after the "
                           "clauses, with the risk appetite ({appetite}) as a limit. Right: each service's net "
                           "benefit over {months} months. Outsource: {outsource}. Outsource with clauses: "
                           "{clauses}. Keep in house: {keep}.",
                     "it": "Due grafici. A sinistra: il risparmio di ogni servizio rispetto al suo rischio legale "
                           "residuo dopo le clausole, con la propensione al rischio ({appetite}) come limite. A "
                           "destra: il beneficio netto di ogni servizio in {months} mesi. Esternalizzare: "
                           "{outsource}. Esternalizzare con clausole: {clauses}. Tenere in azienda: {keep}."},
    "alt_sides": {"en": "Each service's legal risk score kept in house against outsourced with the clauses, with "
                        "the risk appetite ({appetite}) as a line. Lower when outsourced: {lower}. Higher when "
                        "outsourced: {higher}. The same: {same}.",
                  "it": "Il punteggio di rischio legale di ogni servizio tenuto in azienda e esternalizzato con le "
                        "clausole, con la propensione al rischio ({appetite}) come linea. Più basso se "
                        "esternalizzato: {lower}. Più alto se esternalizzato: {higher}. Uguale: {same}."},
    "alt_costs": {"en": "Each service's in-house cost against its outsourced cost over {months} months. "
                        "Outsourcing costs less for: {cheaper}. It costs as much or more for: {dearer}.",
                  "it": "Il costo interno di ogni servizio e il suo costo esterno in {months} mesi. "
                        "Esternalizzare costa meno per: {cheaper}. Costa uguale o di più per: {dearer}."},
    "alt_matrix": {"en": "Risk matrix of {service} with your scores (likelihood × impact): {scores}.",
                   "it": "Matrice del rischio di {service} con i tuoi punteggi (probabilità × impatto): {scores}."},
    "alt_score": {"en": "{area} {likelihood} × {impact} = {score}", "it": "{area} {likelihood} × {impact} = {score}"},
    # a chart a notebook shows (plots.alt_text), told from its own words
    "alt_chart": {"en": "Chart: {title}.", "it": "Grafico: {title}."},
    "alt_chart_untitled": {"en": "Chart.", "it": "Grafico."},
    "alt_across": {"en": "Across: {label}.", "it": "In orizzontale: {label}."},
    "alt_down": {"en": "Down: {label}.", "it": "In verticale: {label}."},
    "alt_legend": {"en": "Legend: {entries}.", "it": "Legenda: {entries}."},
    "alt_colour_scale": {"en": "Colour scale: {label}.", "it": "Scala di colori: {label}."},
    "profile": {"en": "Company profile", "it": "Profilo aziendale"},
    "volume": {"en": "Activity volume (x)", "it": "Volume di attività (x)"},
    "horizon_months": {"en": "Horizon (months)", "it": "Orizzonte (mesi)"},
    "salary_multiplier": {"en": "Salary (x)", "it": "Stipendio (x)"},
    "fee_multiplier": {"en": "Supplier fees (x)", "it": "Compensi fornitore (x)"},
    "management_hours": {"en": "Managing hours/month", "it": "Ore di gestione/mese"},
    "transition_months": {"en": "Transition (months)", "it": "Transizione (mesi)"},
    "risk_appetite": {"en": "Highest risk accepted", "it": "Rischio massimo accettato"},
    "suggest_best_clauses": {"en": "Suggest the best clause set", "it": "Suggerisci le clausole migliori"},
    "decision_summary": {"en": "Outsource {count} of {total} services: net benefit of the decision {value}.",
                         "it": "Esternalizzare {count} servizi su {total}: beneficio netto della decisione {value}."},
    "inputs": {"en": "Inputs", "it": "Dati di partenza"},
    "services_in_scope": {"en": "Services in scope", "it": "Servizi considerati"},
    "clauses_adopted": {"en": "Contract clauses", "it": "Clausole del contratto"},
    "fee": {"en": "Supplier fee (EUR)", "it": "Compenso fornitore (EUR)"},
    "clause_premium": {"en": "Clause premium (EUR)", "it": "Sovrapprezzo clausole (EUR)"},
    "vendor_management": {"en": "Managing the supplier (EUR)", "it": "Gestione del fornitore (EUR)"},
    "transition": {"en": "Transition (EUR)", "it": "Transizione (EUR)"},
    "drafting": {"en": "Drafting clauses (EUR)", "it": "Redazione clausole (EUR)"},
    "costs_outsourced_sum": {"en": "Outsourced cost = supplier fee + clause premium + managing the supplier + "
                                   "transition + drafting clauses (each rounded to the euro).",
                             "it": "Costo esterno = compenso fornitore + sovrapprezzo clausole + gestione del "
                                   "fornitore + transizione + redazione clausole (ciascuno arrotondato all'euro)."},
    "break_even_months": {"en": "Break-even (months)", "it": "Pareggio (mesi)"},
    "never": {"en": "never", "it": "mai"},
    "likelihood": {"en": "Likelihood", "it": "Probabilità"},
    "impact": {"en": "Impact", "it": "Impatto"},
    "your_score": {"en": "Your score", "it": "Il tuo punteggio"},
    "reference_score": {"en": "Reference score", "it": "Punteggio di riferimento"},
    "compare": {"en": "Compare with the reference", "it": "Confronta con il riferimento"},
    "not_exposed_hint": {"en": "Score the service when a supplier does the work, before any clause; 0 = no risk in "
                               "this area.",
                         "it": "Valuta il servizio quando il lavoro lo fa un fornitore, prima delle clausole; 0 = "
                               "nessun rischio in quest'area."},
    # the explorer: both sides of the decision, the clauses the law requires, old scenario files
    "group_cost": {"en": "Cost (EUR)", "it": "Costo (EUR)"},
    "group_risk_score": {"en": "Risk score, worst legal area (0-25)",
                         "it": "Punteggio di rischio, area peggiore (0-25)"},
    "group_legal_loss": {"en": "Expected legal loss (EUR)", "it": "Perdita legale attesa (EUR)"},
    "side_inhouse": {"en": "In house", "it": "In azienda"},
    "side_outsourced": {"en": "Outsourced", "it": "Esternalizzato"},
    "side_band": {"en": "Band, outsourced", "it": "Fascia, esternalizzato"},
    "side_added": {"en": "Added by outsourcing", "it": "Aggiunta esternalizzando"},
    "summary_sides": {"en": "Both sides of the services to outsource, over {months} months: expected legal loss "
                            "{outsourced} outsourced with their clauses, against {inhouse} kept in house; worst risk "
                            "score {residual_risk} outsourced, against {inhouse_risk} in house.",
                      "it": "I due lati dei servizi da esternalizzare, in {months} mesi: perdita legale attesa "
                            "{outsourced} esternalizzandoli con le loro clausole, contro {inhouse} tenendoli in "
                            "azienda; punteggio di rischio peggiore {residual_risk} esternalizzando, contro "
                            "{inhouse_risk} in azienda."},
    "summary_sides_none": {"en": "Were every service in scope outsourced, over {months} months: expected legal loss "
                                 "{outsourced} with the clauses, against {inhouse} kept in house; worst risk score "
                                 "{residual_risk} outsourced, against {inhouse_risk} in house.",
                           "it": "Se si esternalizzassero tutti i servizi considerati, in {months} mesi: perdita "
                                 "legale attesa {outsourced} con le clausole, contro {inhouse} tenendoli in azienda; "
                                 "punteggio di rischio peggiore {residual_risk} esternalizzando, contro "
                                 "{inhouse_risk} in azienda."},
    "required_label": {"en": "{clause} \u2014 required by law", "it": "{clause} \u2014 imposta dalla legge"},
    "required_tooltip": {"en": "Required by law to outsource the services below, so it is in their contracts and "
                               "stays ticked; untick those services to choose it yourself.",
                         "it": "Imposta dalla legge per esternalizzare i servizi qui sotto: è nei loro contratti e "
                               "resta spuntata; togli quei servizi per sceglierla tu."},
    "required_usually": {"en": "for the usual scope of the job", "it": "per il perimetro tipico dell'incarico"},
    "required_reason_dpa_art28": {"en": "Why: the supplier processes personal data for the firm (readers', "
                                        "followers' or customers' data), so a contract with the content of GDPR "
                                        "art. 28(3) must be signed before it starts.",
                                  "it": "Perché: il fornitore tratta dati personali per conto dell'impresa (dati di "
                                        "lettori, follower o clienti), quindi prima che inizi va firmato un "
                                        "contratto con i contenuti dell'art. 28(3) GDPR."},
    "required_reason_ip_assignment": {"en": "Why: the supplier creates works the firm will keep using; their economic "
                                            "rights stay with the author unless transferred, and the transfer is "
                                            "proven in writing (LdA art. 110).",
                                      "it": "Perché: il fornitore crea opere che l'impresa continuerà a usare; i "
                                            "diritti di utilizzazione economica restano all'autore se non vengono "
                                            "ceduti, e la cessione si prova per iscritto (art. 110 LdA)."},
    "scenario_replaced_liability_cap_insurance": {
        "en": "This file was saved by an earlier version, whose clause \u201cLiability cap with insurance and "
              "carve-outs\u201d was split in two: \u201c{indemnity_insurance}\u201d, which protects the firm, is used "
              "in its place; \u201c{supplier_liability_cap}\u201d, which the supplier asks for and which shifts risk "
              "onto the firm, is added only if you tick it.",
        "it": "Questo file è stato salvato da una versione precedente, in cui la clausola \u201cLimite di "
              "responsabilità con assicurazione ed esclusioni\u201d è stata divisa in due: al suo posto si usa "
              "\u201c{indemnity_insurance}\u201d, che protegge l'impresa; \u201c{supplier_liability_cap}\u201d, che "
              "chiede il fornitore e che sposta rischio sull'impresa, si aggiunge solo se la spunti."},
    "scenario_clause_replaced": {"en": "This file was saved by an earlier version: one of its clauses no longer "
                                       "exists and \u201c{new}\u201d is used in its place.",
                                 "it": "Questo file è stato salvato da una versione precedente: una delle sue "
                                       "clausole non esiste più e al suo posto si usa \u201c{new}\u201d."},
    "score_matches": {"en": "same as the reference", "it": "uguale al riferimento"},
    "score_differs": {"en": "reference is {reference}: re-read the rationale",
                      "it": "il riferimento è {reference}: rileggi la motivazione"},
    # exercises (toolkit/exercises.py)
    "answer_right": {"en": "Right.", "it": "Giusto."},
    "question_title": {"en": "Question {number}", "it": "Domanda {number}"},
    "answer_missing": {"en": "No answer yet: replace ... with your answer and run the cell again.",
                       "it": "Manca la risposta: sostituisci ... con la tua risposta ed esegui di nuovo la cella."},
    "answer_wrong_type": {"en": "Expected {expected}; {problem}.", "it": "Serve {expected}; {problem}."},
    "kind_number": {"en": "a number", "it": "un numero"},
    "kind_choice": {"en": "one id in quotes, e.g. \"high\"", "it": "un id tra virgolette, ad es. \"high\""},
    "kind_set": {"en": "a set of ids, e.g. {\"blog\", \"seo\"}", "it": "un insieme di id, ad es. {\"blog\", \"seo\"}"},
    "kind_function": {"en": "a function", "it": "una funzione"},
    "problem_got": {"en": "got {what}", "it": "ricevuto {what}"},
    "problem_not_finite": {"en": "got a value that is not finite", "it": "ricevuto un valore non finito"},
    "problem_raised": {"en": "it raised {error} when called with {arguments}",
                       "it": "ha sollevato {error} con gli argomenti {arguments}"},
    "problem_returned": {"en": "it returned {result} for {arguments}",
                         "it": "ha restituito {result} per {arguments}"},
    "hint_costs_q1": {"en": "Not yet: hourly cost = gross salary x on-cost multiplier / productive hours a year.",
                      "it": "Non ancora: costo orario = RAL x moltiplicatore degli oneri / ore produttive all'anno."},
    "hint_oncost": {"en": "Did you multiply by the on-cost multiplier? The firm also pays contributions and TFR.",
                    "it": "Hai moltiplicato per il moltiplicatore degli oneri? L'impresa paga anche contributi e TFR."},
    "hint_productive_hours": {"en": "Use the productive hours a year from the profile, not 160 hours a month.",
                              "it": "Usa le ore produttive all'anno del profilo, non 160 ore al mese."},
    "hint_costs_q2": {"en": "Not yet: outsourced cost = (fee + clause premium + managing the supplier) x months "
                            "+ transition + drafting.",
                      "it": "Non ancora: costo esterno = (compenso + sovrapprezzo clausole + gestione del fornitore) "
                            "x mesi + transizione + redazione."},
    "hint_overhead": {"en": "Did you include the vendor-management overhead (hours spent managing the supplier)?",
                      "it": "Hai incluso il costo di gestione del fornitore (le ore per seguirlo)?"},
    "hint_transition": {"en": "Did you include the one-off transition (fees paid while your staff still do the work)?",
                        "it": "Hai incluso la transizione una tantum (compensi pagati mentre il personale lavora ancora)?"},
    "hint_costs_q3": {"en": "Not yet: sweep the horizon for the scenario with the higher fee "
                            "(toolkit.sweep(data, toolkit.Scenario(fee_multiplier=...), \"horizon_months\", range(1, 61))) "
                            "and read content's break-even (toolkit.break_even).",
                      "it": "Non ancora: fai variare l'orizzonte per lo scenario con il compenso più alto "
                            "(toolkit.sweep(data, toolkit.Scenario(fee_multiplier=...), \"horizon_months\", range(1, 61))) "
                            "e leggi il pareggio dei contenuti (toolkit.break_even)."},
    "hint_fee_unchanged": {"en": "That is the break-even at today's fee, the one in the table above: the question raises "
                                 "the fee by 10%, so sweep toolkit.Scenario(fee_multiplier=1.1).",
                           "it": "Questo è il pareggio con il compenso di oggi, quello della tabella sopra: la domanda "
                                 "alza il compenso del 10%, quindi usa toolkit.Scenario(fee_multiplier=1.1)."},
    "hint_fee_direction": {"en": "That is the break-even with a fee 10% lower: a 10% rise is fee_multiplier=1.1, not 0.9.",
                           "it": "Questo è il pareggio con un compenso più basso del 10%: un aumento del 10% è "
                                 "fee_multiplier=1.1, non 0.9."},
    "hint_months_not_years": {"en": "That looks like years: the horizon is counted in months (do not divide by 12).",
                              "it": "Sembrano anni: l'orizzonte si conta in mesi (non dividere per 12)."},
    "hint_costs_q4": {"en": "Not yet: savings = in-house cost - outsourced cost.",
                      "it": "Non ancora: risparmio = costo interno - costo esterno."},
    "hint_sign": {"en": "Check the sign: savings = in-house cost - outsourced cost, not the reverse.",
                  "it": "Controlla il segno: risparmio = costo interno - costo esterno, non il contrario."},
    "hint_risks_q1": {"en": "Not yet: find the likelihood and the impact in the exposure table for this pair.",
                      "it": "Non ancora: cerca probabilità e impatto di questa coppia nella tabella exposure."},
    "hint_multiply": {"en": "Multiply likelihood by impact; do not add them.",
                      "it": "Moltiplica la probabilità per l'impatto; non sommarle."},
    "hint_risks_q2": {"en": "Not yet: look at the band limits in risk_bands.csv.",
                      "it": "Non ancora: guarda i limiti delle fasce in risk_bands.csv."},
    "hint_band_edges": {"en": "Medium ends at 9; 10 to 16 is the next band.",
                        "it": "Medio finisce a 9; da 10 a 16 è la fascia successiva."},
    "hint_risks_q3": {"en": "Not yet: in house, each area's score is inhouse_likelihood x inhouse_impact "
                            "(pairs.loc[\"brand\", \"inhouse_score\"]); which area has the largest?",
                      "it": "Non ancora: in azienda il punteggio di ogni area è inhouse_likelihood x inhouse_impact "
                            "(pairs.loc[\"brand\", \"inhouse_score\"]); quale area ha il più alto?"},
    "hint_outsourced_side": {"en": "That is the worst area when the service is outsourced (the heat map above); the "
                                   "question asks in house: inhouse_likelihood x inhouse_impact.",
                             "it": "Questa è l'area peggiore quando il servizio è esternalizzato (la mappa sopra); la "
                                   "domanda chiede in azienda: inhouse_likelihood x inhouse_impact."},
    "hint_risks_q4": {"en": "Not yet: expected loss = yearly chance of an incident x claim chance x loss x years.",
                      "it": "Non ancora: perdita attesa = probabilità annua di un incidente x probabilità di "
                            "contestazione x perdita x anni."},
    "hint_clauses_q1": {"en": "Not yet: subtract the clause's likelihood steps for this area (clause_effects.csv).",
                        "it": "Non ancora: sottrai i passi di probabilità della clausola per quest'area (clause_effects.csv)."},
    "hint_clause_steps": {"en": "That is the score without the clause: the DPA takes steps off privacy's likelihood.",
                          "it": "Questo è il punteggio senza clausola: l'accordo art. 28 riduce la probabilità privacy."},
    "hint_clauses_q2": {"en": "Not yet: residual likelihood x residual impact, each after the clause's steps.",
                        "it": "Non ancora: probabilità residua x impatto residuo, ciascuno dopo i passi della clausola."},
    "hint_floor": {"en": "A clause lowers a score but never below 1: a contract cannot remove a risk.",
                   "it": "Una clausola abbassa un punteggio ma mai sotto 1: un contratto non elimina il rischio."},
    "hint_clauses_q3": {"en": "Not yet: run toolkit.portfolio(data, clinic) with the clinic's scenario and read "
                              "best_clauses.",
                        "it": "Non ancora: esegui toolkit.portfolio(data, clinic) con lo scenario della clinica e "
                              "leggi best_clauses."},
    "hint_other_firm_set": {"en": "That is the small firm's best set (shown above), or the clinic's profile with the "
                                  "default settings: the case also sets a 36-month contract and a low risk appetite, "
                                  "so pass the whole case scenario: toolkit.portfolio(data, clinic).",
                            "it": "Questo è l'insieme migliore della piccola impresa (mostrato sopra), o del profilo "
                                  "della clinica con le impostazioni predefinite: il caso fissa anche un contratto di "
                                  "36 mesi e una soglia di rischio bassa, quindi passa lo scenario intero del caso: "
                                  "toolkit.portfolio(data, clinic)."},
    "hint_cap_is_optional": {"en": "The supplier's cap on its liability is an optional clause too: its fee discount "
                                   "counts, and here the optimiser keeps it. List every clause of best_clauses.",
                             "it": "Anche il limite di responsabilità chiesto dal fornitore è una clausola "
                                   "facoltativa: lo sconto sul compenso conta, e qui l'ottimizzatore lo tiene. Elenca "
                                   "tutte le clausole di best_clauses."},
    "estimate_missing": {"en": "Write your estimate in PREDICT (a number, EUR per hour) and run the cell again.",
                         "it": "Scrivi la tua stima in PREDICT (un numero, EUR all'ora) ed esegui di nuovo la cella."},
    "estimate_waiting": {"en": "Your estimate: {estimate}. Answer Question 1, then run this cell to compare.",
                         "it": "La tua stima: {estimate}. Rispondi alla Domanda 1, poi esegui questa cella per "
                               "confrontare."},
    "estimate_compared": {"en": "Your estimate: {estimate}; your answer to Question 1: {answer} ({gap} {direction}).",
                          "it": "La tua stima: {estimate}; la tua risposta alla Domanda 1: {answer} ({gap} "
                                "{direction})."},
    "estimate_above": {"en": "above", "it": "in più"},
    "estimate_below": {"en": "below", "it": "in meno"},
    "hint_not_all_clauses": {"en": "Adopting every clause is not best: compare each clause's cost with the risk it removes.",
                             "it": "Adottare tutte le clausole non conviene: confronta il costo di ciascuna con il rischio che toglie."},
    "hint_case_q1": {"en": "Not yet: a service is outsourced when its net benefit is positive and its risk passes the "
                           "appetite test, with the best clause set of your case (CASE at the top).",
                     "it": "Non ancora: un servizio si esternalizza quando il beneficio netto è positivo e il rischio "
                           "supera la prova della soglia, con l'insieme di clausole migliore del tuo caso (CASE in alto)."},
    "hint_savings_only": {"en": "Those are the services that save money; the decision also weighs the expected legal "
                                "loss on both sides and the risk appetite: look at the net benefit.",
                          "it": "Questi sono i servizi che fanno risparmiare; la decisione pesa anche la perdita legale "
                                "attesa dei due lati e la soglia di rischio: guarda il beneficio netto."},
    "hint_savings_not_net": {"en": "That is the savings total: the net benefit also subtracts the change in expected "
                                   "legal loss (outsourced minus in house).",
                             "it": "Questo è il totale dei risparmi: il beneficio netto toglie anche la variazione "
                                   "della perdita legale attesa (esternalizzando meno in azienda)."},
    "hint_inhouse_loss_only": {"en": "That service has the largest expected legal loss in house; the question asks "
                                     "for the largest drop: in house minus outsourced.",
                               "it": "Quel servizio ha la perdita legale attesa più alta in azienda; la domanda chiede "
                                     "il calo più grande: in azienda meno esternalizzando."},
    "hint_gain_sign": {"en": "Check the sign: that service gains the least (or loses most) by outsourcing; compute "
                             "in house minus outsourced and take the largest.",
                       "it": "Controlla il segno: quel servizio guadagna meno (o perde di più) esternalizzando; calcola "
                             "in azienda meno esternalizzando e prendi il più grande."},
    "hint_thousand_small": {"en": "Your number is 1,000 times too small: did you copy it from a table where the dot "
                                  "separates thousands (5.667 EUR = five thousand)? In Python write 5667, with no "
                                  "separator.",
                            "it": "Il tuo numero è 1.000 volte troppo piccolo: l'hai copiato da una tabella italiana, "
                                  "dove il punto separa le migliaia (5.667 EUR = cinquemila)? In Python scrivi 5667, "
                                  "senza separatore."},
    "hint_thousand_large": {"en": "Your number is 1,000 times too large: did a decimal comma get lost (24,42 written "
                                  "as 24420)? In Python write decimals with a dot: 24.42.",
                            "it": "Il tuo numero è 1.000 volte troppo grande: si è persa una virgola decimale (24,42 "
                                  "scritto 24420)? In Python i decimali si scrivono con il punto: 24.42."},
    "problem_tuple": {"en": "Python read {written} as separate numbers (a comma separates values in Python). "
                            "Write decimals with a dot ({dot}) and thousands with no separator at all",
                      "it": "Python ha letto {written} come numeri separati (in Python la virgola separa i valori). "
                            "Scrivi i decimali con il punto ({dot}) e le migliaia senza alcun separatore"},
    "problem_text": {"en": "got the text \"{text}\", which is not a number; write the number without quotes, "
                           "decimals with a dot, e.g. 24.42",
                     "it": "ricevuto il testo \"{text}\", che non è un numero; scrivi il numero senza virgolette, "
                           "i decimali con il punto, ad es. 24.42"},
    "note_text_number": {"en": "(I read \"{text}\" as {number}; in Python write it without quotes: {number}.)",
                         "it": "(Ho letto \"{text}\" come {number}; in Python scrivilo senza virgolette: {number}.)"},
    "problem_unknown_id": {"en": "\"{item}\" is not one of the ids ({ids}) or their names",
                           "it": "\"{item}\" non è uno degli id ({ids}) né uno dei loro nomi"},
    "problem_one_in_set": {"en": "One answer only: write \"{item}\" in quotes, without braces.",
                           "it": "Una sola risposta: scrivi \"{item}\" tra virgolette, senza parentesi graffe."},
    "problem_set_as_text": {"en": "got one text (\"{text}\"); put each id in its own quotes inside braces, "
                                  "e.g. {{\"blog\", \"seo\"}}",
                            "it": "ricevuto un unico testo (\"{text}\"); metti ogni id tra virgolette, dentro le "
                                  "graffe, ad es. {{\"blog\", \"seo\"}}"},
    "hint_case_q2": {"en": "Not yet: add up the net benefit of the services you outsource, with the best clauses.",
                     "it": "Non ancora: somma il beneficio netto dei servizi esternalizzati, con le clausole migliori."},
    "hint_only_outsourced": {"en": "Count only the services you outsource: those kept in house add nothing.",
                             "it": "Conta solo i servizi esternalizzati: quelli tenuti in azienda non aggiungono nulla."},
    # hand-in and gradebook (toolkit/handin.py)
    "handin_yours": {"en": "You outsource", "it": "Esternalizzi"},
    "handin_net_yours": {"en": "Your net benefit (EUR)", "it": "Il tuo beneficio netto (EUR)"},
    "handin_suggested": {"en": "Suggested", "it": "Suggerito"},
    "handin_net_suggested": {"en": "Suggested net benefit (EUR)", "it": "Beneficio netto suggerito (EUR)"},
    "handin_no_name": {"en": "Write your name in NAME at the top of the notebook: the teacher's gradebook skips a "
                             "hand-in without a name.",
                       "it": "Scrivi il tuo nome in NAME all'inizio del notebook: il registro del docente salta un "
                             "lavoro senza nome."},
    "gb_title": {"en": "Class summary: the case study", "it": "Riepilogo della classe: il caso di studio"},
    "gb_counts": {"en": "Students: {students}; files skipped: {skipped}; handed in more than once: {duplicates} "
                        "(the latest counts).",
                  "it": "Studenti: {students}; file saltati: {skipped}; consegnati più volte: {duplicates} "
                        "(vale l'ultimo)."},
    "gb_questions": {"en": "Graded questions: right at the first try and at the end",
                     "it": "Domande con verifica: giuste al primo tentativo e alla fine"},
    "gb_share_axis": {"en": "Students (%)", "it": "Studenti (%)"},
    "gb_cases": {"en": "By case (students are compared within their case)",
                 "it": "Per caso (gli studenti si confrontano all'interno del loro caso)"},
    "gb_decisions": {"en": "Decisions by case", "it": "Decisioni per caso"},
    "gb_duplicates": {"en": "Handed in more than once", "it": "Consegnati più volte"},
    "gb_first_try": {"en": "right at first try", "it": "giusta al primo tentativo"},
    "gb_attempts": {"en": "attempts", "it": "tentativi"},
    "gb_final": {"en": "right at the end", "it": "giusta alla fine"},
    "gb_name": {"en": "Student", "it": "Studente"},
    "gb_case": {"en": "Case", "it": "Caso"},
    "gb_file": {"en": "File", "it": "File"},
    "gb_reason": {"en": "Why it was skipped", "it": "Perché è stato saltato"},
    "gb_services": {"en": "Services outsourced", "it": "Servizi esternalizzati"},
    "gb_clauses": {"en": "Optional clauses", "it": "Clausole facoltative"},
    "gb_net_benefit": {"en": "Net benefit (EUR)", "it": "Beneficio netto (EUR)"},
    "gb_suggested_services": {"en": "Suggested services", "it": "Servizi suggeriti"},
    "gb_suggested_clauses": {"en": "Suggested clauses", "it": "Clausole suggerite"},
    "gb_matches_suggestion": {"en": "Same as the suggestion", "it": "Uguale al suggerimento"},
    "gb_justification_words": {"en": "Justification (words)", "it": "Motivazione (parole)"},
    "gb_reflection_words": {"en": "Reflections (words)", "it": "Riflessioni (parole)"},
    "gb_score": {"en": "Questions right", "it": "Domande giuste"},
    "gb_students": {"en": "Students", "it": "Studenti"},
    "gb_mean_score": {"en": "Mean questions right", "it": "Media domande giuste"},
    "gb_median_net_benefit": {"en": "Median net benefit (EUR)", "it": "Beneficio netto mediano (EUR)"},
    "gb_sheet_gradebook": {"en": "gradebook", "it": "registro"},
    "gb_sheet_cases": {"en": "by case", "it": "per caso"},
    "gb_sheet_skipped": {"en": "skipped", "it": "saltati"},
    "hint_case_q3": {"en": "Not yet: for each service, expected legal loss in house minus outsourced; which is largest?",
                     "it": "Non ancora: per ogni servizio, perdita legale attesa in azienda meno esternalizzando; "
                           "qual è la più grande?"},
    "hint_required_clauses": {"en": "Did you include the clauses the law requires (their fee premium and drafting)? "
                                    "The blog's supplier needs the GDPR art. 28 contract and the written IP "
                                    "assignment.",
                              "it": "Hai incluso le clausole che la legge impone (sovrapprezzo e redazione)? Il "
                                    "fornitore del blog richiede il contratto art. 28 GDPR e la cessione scritta dei "
                                    "diritti."},
    "hint_inhouse_side": {"en": "That is the in-house score (inhouse_likelihood x inhouse_impact); the question asks "
                                "for the service outsourced with no clauses (likelihood x impact).",
                          "it": "Questo è il punteggio in azienda (inhouse_likelihood x inhouse_impact); la domanda "
                                "chiede il servizio esternalizzato senza clausole (likelihood x impact)."},
    "hint_years": {"en": "The chances are yearly: multiply by the years of the horizon too.",
                   "it": "Le probabilità sono annue: moltiplica anche per gli anni dell'orizzonte."},
    "hint_claim_chance": {"en": "Most incidents never become a claim: multiply by the claim chance too.",
                          "it": "La maggior parte degli incidenti non diventa mai una contestazione: moltiplica "
                                "anche per la probabilità di contestazione."},
    "hint_required_not_optional": {"en": "The clauses the law requires (the GDPR art. 28 contract, the written IP "
                                         "assignment) are in every contract that needs them; the best set lists only "
                                         "the optional clauses.",
                                   "it": "Le clausole che la legge impone (il contratto art. 28 GDPR, la cessione "
                                         "scritta dei diritti) sono già in ogni contratto che le richiede; l'insieme "
                                         "migliore elenca solo le clausole facoltative."},
    # what-if: sensitivity, uncertainty, scenario files, the report (toolkit/plots.py, widgets.py, export.py)
    "plot_tornado_title": {"en": "What moves the net benefit of the decision most: the services it outsources "
                                 "(each input \u2212/+{pct}%)",
                           "it": "Cosa sposta di più il beneficio netto della decisione: i servizi che esternalizza "
                                 "(ogni dato \u2212/+{pct}%)"},
    "plot_tornado_title_total": {"en": "What moves the net benefit of all the services most, as if all were "
                                       "outsourced (each input \u2212/+{pct}%)",
                                 "it": "Cosa sposta di più il beneficio netto di tutti i servizi, come se fossero "
                                       "tutti esternalizzati (ogni dato \u2212/+{pct}%)"},
    "plot_tornado_title_nothing": {"en": "The decision outsources no service (its net benefit is 0): what would move "
                                         "the net benefit of all the services most (each input \u2212/+{pct}%)",
                                   "it": "La decisione non esternalizza alcun servizio (beneficio netto 0): cosa "
                                         "sposterebbe di più il beneficio netto di tutti i servizi "
                                         "(ogni dato \u2212/+{pct}%)"},
    "plot_tornado_decision_axis": {"en": "Net benefit of the decision: the services it outsources (EUR over the "
                                         "horizon)",
                                   "it": "Beneficio netto della decisione: i servizi che esternalizza (EUR "
                                         "sull'orizzonte)"},
    "plot_tornado_total_axis": {"en": "Net benefit of all the services, as if all were outsourced (EUR over the "
                                      "horizon)",
                                "it": "Beneficio netto di tutti i servizi, come se fossero tutti esternalizzati "
                                      "(EUR sull'orizzonte)"},
    "plot_tornado_base_decision": {"en": "net benefit of the decision: {value}",
                                   "it": "beneficio netto della decisione: {value}"},
    "plot_tornado_base_total": {"en": "net benefit of all the services: {value}",
                                "it": "beneficio netto di tutti i servizi: {value}"},
    "plot_tornado_title_service": {"en": "What moves the net benefit of {service} most (each input \u2212/+{pct}%)",
                                   "it": "Cosa sposta di più il beneficio netto di {service} "
                                         "(ogni dato \u2212/+{pct}%)"},
    "plot_tornado_axis": {"en": "Input changed (the others as in the scenario)",
                          "it": "Dato cambiato (gli altri come nello scenario)"},
    "plot_tornado_low": {"en": "input {pct}% lower", "it": "dato più basso del {pct}%"},
    "plot_tornado_high": {"en": "input {pct}% higher", "it": "dato più alto del {pct}%"},
    "plot_tornado_base": {"en": "net benefit in the scenario: {value}",
                          "it": "beneficio netto nello scenario: {value}"},
    "plot_tornado_range": {"en": "{low} to {high} {unit}", "it": "da {low} a {high} {unit}"},
    "plot_zero_line": {"en": "net benefit 0 (break-even)", "it": "beneficio netto 0 (pareggio)"},
    "plot_input_volume": {"en": "Activity volume", "it": "Volume di attività"},
    "plot_input_inhouse_hours": {"en": "In-house hours needed", "it": "Ore di lavoro interne necessarie"},
    "plot_input_salary": {"en": "In-house salary", "it": "Stipendio interno"},
    "plot_input_fee": {"en": "Supplier fees", "it": "Compensi dei fornitori"},
    "plot_input_management_hours": {"en": "Managing the supplier (overhead)",
                                    "it": "Gestione del fornitore (costo indiretto)"},
    "plot_input_likelihood": {"en": "Yearly chance of a legal problem",
                              "it": "Probabilità annua di un problema legale"},
    "plot_input_impact": {"en": "Loss if a legal problem happens", "it": "Perdita se il problema legale accade"},
    "plot_input_eur_per_risk_point": {"en": "EUR per risk point", "it": "EUR per punto di rischio"},
    "plot_unit_volume": {"en": "x reference", "it": "x riferimento"},
    "plot_unit_inhouse_hours": {"en": "hours/month", "it": "ore/mese"},
    "plot_unit_salary": {"en": "EUR/hour", "it": "EUR/ora"},
    "plot_unit_fee": {"en": "EUR/month", "it": "EUR/mese"},
    "plot_unit_management_hours": {"en": "hours/month per service", "it": "ore/mese per servizio"},
    "plot_unit_likelihood": {"en": "x the table", "it": "x la tabella"},
    "plot_unit_impact": {"en": "x the table", "it": "x la tabella"},
    "plot_unit_eur_per_risk_point": {"en": "EUR/year per point", "it": "EUR/anno per punto"},
    "plot_uncertainty_title": {"en": "Net benefit by service in {draws} simulated futures",
                               "it": "Beneficio netto per servizio in {draws} futuri simulati"},
    "plot_band_90": {"en": "90% of the futures (5th to 95th percentile)",
                     "it": "90% dei futuri (dal 5° al 95° percentile)"},
    "plot_band_50": {"en": "half of the futures (25th to 75th percentile)",
                     "it": "metà dei futuri (dal 25° al 75° percentile)"},
    "plot_median": {"en": "median (half the futures above, half below)",
                    "it": "mediana (metà dei futuri sopra, metà sotto)"},
    "plot_deterministic": {"en": "the model without uncertainty", "it": "il modello senza incertezza"},
    "plot_probability_header": {"en": "outsourcing\nwins in", "it": "esternalizzare\nconviene nel"},
    "plot_probability_value": {"en": "{value} of futures", "it": "{value} dei futuri"},
    "plot_decision_title": {"en": "Net benefit of the decision in {draws} simulated futures",
                            "it": "Beneficio netto della decisione in {draws} futuri simulati"},
    "plot_share_axis": {"en": "Share of the futures (%)", "it": "Quota dei futuri (%)"},
    "plot_decision_pays": {"en": "the decision pays in {value} of the futures",
                           "it": "la decisione conviene nel {value} dei futuri"},
    "plot_decision_nothing": {"en": "no service is recommended for outsourcing: the decision's net benefit is 0",
                              "it": "nessun servizio va esternalizzato: il beneficio netto della decisione è 0"},
    "plot_percentile_5": {"en": "5th percentile: {value}", "it": "5° percentile: {value}"},
    "plot_percentile_50": {"en": "median: {value}", "it": "mediana: {value}"},
    "plot_percentile_95": {"en": "95th percentile: {value}", "it": "95° percentile: {value}"},
    "plot_deterministic_value": {"en": "the model without uncertainty: {value}",
                                 "it": "il modello senza incertezza: {value}"},
    "scenario_file": {"en": "Scenario file", "it": "File dello scenario"},
    "save_scenario": {"en": "Save", "it": "Salva"},
    "load_scenario": {"en": "Load", "it": "Carica"},
    "scenario_saved": {"en": "Scenario saved to {path}", "it": "Scenario salvato in {path}"},
    "scenario_loaded": {"en": "Scenario loaded from {path}", "it": "Scenario caricato da {path}"},
    "scenario_file_error": {"en": "Scenario file not used: {problem}",
                            "it": "File dello scenario non usato: {problem}"},
    "replace_scenario": {"en": "Replace", "it": "Sostituisci"},
    "scenario_exists": {"en": "{path} already exists: press Replace to overwrite it, or type another name.",
                        "it": "{path} esiste già: premi Sostituisci per sovrascriverlo, o scrivi un altro nome."},
    "report_title": {"en": "Which social media services to outsource: my decision",
                     "it": "Quali servizi social esternalizzare: la mia decisione"},
    "report_title_for": {"en": "{firm} \u00b7 which social media services to outsource: my decision",
                         "it": "{firm} \u00b7 quali servizi social esternalizzare: la mia decisione"},
    "report_title_by": {"en": "{firm} \u00b7 which social media services to outsource: the decision of {author}",
                        "it": "{firm} \u00b7 quali servizi social esternalizzare: la decisione di {author}"},
    "scenario_from_case_study": {"en": "Your scenario from notebook 05: {path} ({firm}{who}).",
                                 "it": "Il tuo scenario dal notebook 05: {path} ({firm}{who})."},
    "scenario_from_explorer": {"en": "Your scenario saved from the explorer (notebook 03): {path} ({firm}).",
                               "it": "Il tuo scenario salvato dall'esploratore (notebook 03): {path} ({firm})."},
    "scenario_from_file": {"en": "The scenario in {path} ({firm}).", "it": "Lo scenario in {path} ({firm})."},
    "scenario_preset": {"en": "No scenario of yours found (looked for {paths}): this notebook uses its preset, "
                              "the small firm with only the clauses the law requires. Export your hand-in in "
                              "notebook 05 or save a scenario in the explorer (notebook 03), then run this "
                              "notebook again.",
                        "it": "Nessuno scenario tuo trovato (cercati {paths}): il notebook usa il suo scenario "
                              "predefinito, la piccola impresa con le sole clausole imposte dalla legge. Esporta "
                              "la consegna nel notebook 05 o salva uno scenario nell'esploratore (notebook 03), "
                              "poi esegui di nuovo questo notebook."},
    "scenario_not_used": {"en": "{path} not used: {problem}", "it": "{path} non usato: {problem}"},
    "file_not_found": {"en": "there is no such file", "it": "il file non esiste"},
    "sensitivity_decision": {"en": "The decision (the services it outsources)",
                             "it": "La decisione (i servizi che esternalizza)"},
    "export_failed": {"en": "Could not write {path}: {problem}. {fix} The folder {folder} keeps what it held "
                            "before.",
                      "it": "Impossibile scrivere {path}: {problem}. {fix} La cartella {folder} conserva quello "
                            "che conteneva prima."},
    "export_fix_open": {"en": "If the file is open in another program (Excel, a PDF or image viewer), close it; "
                              "check that you may write in that folder; then export again.",
                        "it": "Se il file è aperto in un altro programma (Excel, un visualizzatore di PDF o "
                              "immagini), chiudilo; controlla di poter scrivere in quella cartella; poi esporta "
                              "di nuovo."},
    "export_fix_space": {"en": "The disk is full: free some space, then export again.",
                         "it": "Il disco è pieno: libera dello spazio, poi esporta di nuovo."},
    "export_fix_other": {"en": "Check the folder (does it exist, may you write in it?), then export again.",
                         "it": "Controlla la cartella (esiste? puoi scriverci?), poi esporta di nuovo."},
    "disclaimer": {"en": "A teaching aid, not legal advice: have a lawyer draft and review the real contract.",
                   "it": "Uno strumento didattico, non una consulenza legale: il contratto vero va redatto e rivisto "
                         "da un avvocato."},
    # the contract checklist (toolkit.export.checklist)
    "checklist_title": {"en": "Contract checklist", "it": "Checklist del contratto"},
    "checklist_services": {"en": "Services to outsource", "it": "Servizi da esternalizzare"},
    "checklist_clause": {"en": "Clause", "it": "Clausola"},
    "checklist_risk": {"en": "Risk it answers", "it": "Rischio a cui risponde"},
    "checklist_provision": {"en": "Provision", "it": "Norma"},
    "checklist_status": {"en": "Required or negotiated", "it": "Imposta o negoziata"},
    "checklist_required": {"en": "**required by law** ({basis})", "it": "**imposta dalla legge** ({basis})"},
    "checklist_required_usually": {"en": "**required by law** for the usual scope of the job ({basis})",
                                   "it": "**imposta dalla legge** per il perimetro tipico dell'incarico ({basis})"},
    "checklist_firm_request": {"en": "to negotiate: the firm's request", "it": "da negoziare: la chiede l'impresa"},
    "checklist_supplier_request": {"en": "to negotiate: the supplier's request (a lower fee, more risk for the firm)",
                                   "it": "da negoziare: la chiede il fornitore (compenso più basso, più rischio per "
                                         "l'impresa)"},
    "checklist_sides": {"en": "Both sides over {months} months: worst risk score in house {inhouse_risk}, outsourced "
                              "{residual_risk} ({band}); expected legal loss in house {inhouse_loss}, outsourced "
                              "{outsourced_loss}.",
                        "it": "I due lati in {months} mesi: punteggio di rischio peggiore in azienda {inhouse_risk}, "
                              "esternalizzato {residual_risk} ({band}); perdita legale attesa in azienda "
                              "{inhouse_loss}, esternalizzato {outsourced_loss}."},
    "checklist_nothing": {"en": "No service is recommended for outsourcing in this scenario: there is nothing to "
                                "negotiate.",
                          "it": "In questo scenario nessun servizio va esternalizzato: non c'è nulla da negoziare."},
    "checklist_unprotected": {"en": "No adopted clause protects this service: consider the clauses that act on its "
                                    "areas.",
                              "it": "Nessuna clausola adottata protegge questo servizio: valuta le clausole che "
                                    "agiscono sulle sue aree."},
    "report_scenario": {"en": "The scenario", "it": "Lo scenario"},
    "report_field": {"en": "Field", "it": "Campo"},
    "report_value": {"en": "Value", "it": "Valore"},
    # the hand-in's workbook (toolkit.export): sheet names, the scenario in words, percentages, units
    "sheet_scenario": {"en": "Scenario", "it": "Scenario"},
    "sheet_evaluation": {"en": "Evaluation", "it": "Valutazione"},
    "sheet_breakdown": {"en": "Legal risks", "it": "Rischi legali"},
    "sheet_sensitivity": {"en": "Sensitivity", "it": "Sensibilità"},
    "sheet_uncertainty": {"en": "Uncertainty", "it": "Incertezza"},
    "report_all_services": {"en": "all", "it": "tutti"},
    "report_no_clauses": {"en": "none", "it": "nessuna"},
    "report_eur_per_point_none": {"en": "not used: the likelihood and impact tables price the risk",
                                  "it": "non usato: il rischio è valutato con le tabelle di probabilità e impatto"},
    "col_unit": {"en": "Unit", "it": "Unità di misura"},
    "pct_probability_outsource": {"en": "Outsourcing wins in (% of futures)",
                                  "it": "Esternalizzare conviene nel (% dei futuri)"},
    "pct_probability_positive": {"en": "Positive net benefit in (% of futures)",
                                 "it": "Beneficio netto positivo nel (% dei futuri)"},
    "report_decision": {"en": "The decision", "it": "La decisione"},
    "report_summary": {"en": "Outsource {count} of {total} services; net benefit of the decision {value} over "
                             "{months} months.",
                       "it": "Esternalizzare {count} servizi su {total}; beneficio netto della decisione {value} "
                             "in {months} mesi."},
    "report_risks": {"en": "Legal risk by service and legal area", "it": "Rischio legale per servizio e area legale"},
    "report_sides": {"en": "Both sides: for the services outsourced, an expected legal loss of {outsourced} "
                           "outsourced against {inhouse} had they been kept in house; for all the services in scope, "
                           "{outsourced_all} against {inhouse_all}.",
                     "it": "I due lati: per i servizi esternalizzati, una perdita legale attesa di {outsourced} "
                           "esternalizzati contro {inhouse} se fossero rimasti in azienda; per tutti i servizi "
                           "considerati, {outsourced_all} contro {inhouse_all}."},
    "report_contract_clauses": {"en": "Clauses in its contract", "it": "Clausole nel suo contratto"},
    "report_added_loss": {"en": "Legal loss outsourcing adds (EUR)",
                          "it": "Perdita legale aggiunta esternalizzando (EUR)"},
    "report_risks_note": {"en": "Each (service, legal area): the score and the expected legal loss in house and "
                                "outsourced (after the clauses in the contract).",
                          "it": "Per ogni coppia (servizio, area legale): punteggio e perdita legale attesa in "
                                "azienda ed esternalizzato (dopo le clausole del contratto)."},
    "report_sensitivity": {"en": "Sensitivity: one input at a time, \u2212/+{pct}%",
                           "it": "Sensibilità: un dato alla volta, \u2212/+{pct}%"},
    "report_uncertainty": {"en": "Uncertainty: {draws} simulated futures (seed {seed})",
                           "it": "Incertezza: {draws} futuri simulati (seme {seed})"},
    "report_uncertainty_note": {"en": "The ranges of the uncertain inputs are in data/uncertainty.csv, each with "
                                      "its source or the word 'assumption'.",
                                "it": "Gli intervalli dei dati incerti sono in data/uncertainty.csv, ognuno con la "
                                      "sua fonte o la parola 'assumption' (ipotesi)."},
    "report_charts": {"en": "Charts", "it": "Grafici"},
    "report_made_with": {"en": "Made with the SMM outsourcing toolkit {version}; the formulas are in "
                               "toolkit/model.py.",
                         "it": "Fatto con lo SMM outsourcing toolkit {version}; le formule sono in "
                               "toolkit/model.py."},
    "input": {"en": "Input", "it": "Dato"},
    "low_net": {"en": "Net benefit, input lower (EUR)", "it": "Beneficio netto, dato più basso (EUR)"},
    "high_net": {"en": "Net benefit, input higher (EUR)", "it": "Beneficio netto, dato più alto (EUR)"},
    "base_net": {"en": "Net benefit in the scenario (EUR)", "it": "Beneficio netto nello scenario (EUR)"},
    "swing": {"en": "Swing (EUR)", "it": "Oscillazione (EUR)"},
    "probability_outsource": {"en": "Outsourcing wins in (share of futures)",
                              "it": "Esternalizzare conviene nel (quota dei futuri)"},
    "deterministic": {"en": "Net benefit without uncertainty (EUR)", "it": "Beneficio netto senza incertezza (EUR)"},
    "p5": {"en": "5th percentile (EUR)", "it": "5° percentile (EUR)"},
    "p50": {"en": "Median (EUR)", "it": "Mediana (EUR)"},
    "p95": {"en": "95th percentile (EUR)", "it": "95° percentile (EUR)"},
    "total": {"en": "All services in scope", "it": "Tutti i servizi considerati"},
    "decision_row": {"en": "The services the decision outsources",
                     "it": "I servizi che la decisione esternalizza"},
    # column labels of toolkit.present.table (the other columns use the keys above)
    "yes": {"en": "yes", "it": "sì"},
    "no": {"en": "no", "it": "no"},
    "col_name": {"en": "Name", "it": "Nome"},
    "col_profile": {"en": "Firm", "it": "Impresa"},
    "col_outsourced": {"en": "Outsourced", "it": "Esternalizzato"},
    "col_within_appetite": {"en": "Risk within the appetite", "it": "Rischio entro la soglia"},
    "col_risk_acceptable": {"en": "Risk acceptable", "it": "Rischio accettabile"},
    "col_inherent_legal_loss": {"en": "Expected legal loss outsourced, no clauses (EUR)",
                                "it": "Perdita legale attesa esternalizzando, senza clausole (EUR)"},
    "col_inherent_score": {"en": "Outsourced score, no clauses (0-25)",
                           "it": "Punteggio esternalizzando, senza clausole (0-25)"},
    "col_likelihood": {"en": "Likelihood outsourced (1-5)", "it": "Probabilità esternalizzando (1-5)"},
    "col_impact": {"en": "Impact outsourced (1-5)", "it": "Impatto esternalizzando (1-5)"},
    "col_inhouse_likelihood": {"en": "Likelihood in house (1-5)", "it": "Probabilità in azienda (1-5)"},
    "col_inhouse_impact": {"en": "Impact in house (1-5)", "it": "Impatto in azienda (1-5)"},
    "col_residual_likelihood": {"en": "Likelihood with the clauses (1-5)",
                                "it": "Probabilità con le clausole (1-5)"},
    "col_residual_impact": {"en": "Impact with the clauses (1-5)", "it": "Impatto con le clausole (1-5)"},
    "col_incident_probability": {"en": "Yearly chance of an incident", "it": "Probabilità annua di un incidente"},
    "col_claim_probability": {"en": "Chance it becomes a claim", "it": "Probabilità di contestazione"},
    "col_loss_if_it_happens": {"en": "Loss if it happens (EUR)", "it": "Perdita se accade (EUR)"},
    "col_clauses": {"en": "Clauses that act on it", "it": "Clausole che agiscono"},
    "col_required": {"en": "Required by law", "it": "Richieste dalla legge"},
    "col_provision": {"en": "Provision", "it": "Norma"},
    "col_cost": {"en": "Cost (EUR)", "it": "Costo (EUR)"},
    "col_risk_removed": {"en": "Legal loss removed (EUR)", "it": "Perdita legale evitata (EUR)"},
    "col_value": {"en": "Value: loss removed - cost (EUR)", "it": "Valore: perdita evitata - costo (EUR)"},
    "col_adopted": {"en": "In the contract", "it": "Nel contratto"},
    "yes_required": {"en": "yes (required by law)", "it": "sì (richiesta dalla legge)"},
    "col_mean": {"en": "Mean (EUR)", "it": "Media (EUR)"},
    "col_p25": {"en": "25th percentile (EUR)", "it": "25° percentile (EUR)"},
    "col_p75": {"en": "75th percentile (EUR)", "it": "75° percentile (EUR)"},
    "col_probability_positive": {"en": "Positive net benefit in (share of futures)",
                                 "it": "Beneficio netto positivo nel (quota dei futuri)"},
    "col_base_value": {"en": "Value in the scenario", "it": "Valore nello scenario"},
    "col_low_value": {"en": "Value, input lower", "it": "Valore, dato più basso"},
    "col_high_value": {"en": "Value, input higher", "it": "Valore, dato più alto"},
    "col_low_factor": {"en": "Lower factor", "it": "Fattore più basso"},
    "col_high_factor": {"en": "Higher factor", "it": "Fattore più alto"},
    "col_min_factor": {"en": "Lowest factor", "it": "Fattore minimo"},
    "col_mode_factor": {"en": "Most likely factor", "it": "Fattore più probabile"},
    "col_max_factor": {"en": "Highest factor", "it": "Fattore massimo"},
    "col_break_even": {"en": "Break-even (months)", "it": "Pareggio (mesi)"},
    "col_probability_seed_1": {"en": "The same, another seed (1), 10,000 draws",
                               "it": "Lo stesso, un altro seme (1), 10.000 estrazioni"},
    "col_source": {"en": "Source", "it": "Fonte"},
    "col_description": {"en": "Description", "it": "Descrizione"},
    "col_what_it_says": {"en": "What it says", "it": "Che cosa dice"},
    "col_question": {"en": "Question", "it": "Domanda"},
    "col_eu_provisions": {"en": "EU law", "it": "Diritto UE"},
    "col_it_provisions": {"en": "Italian law", "it": "Diritto italiano"},
    "col_max_sanction_eur": {"en": "Highest fine (EUR)", "it": "Sanzione massima (EUR)"},
    "col_max_sanction_turnover_pct": {"en": "Highest fine (% of turnover)",
                                      "it": "Sanzione massima (% del fatturato)"},
    "col_drafting_cost_eur": {"en": "Drafting cost (EUR)", "it": "Costo di redazione (EUR)"},
    "col_fee_premium_pct": {"en": "Fee premium (%)", "it": "Sovrapprezzo sul compenso (%)"},
    "col_likelihood_steps": {"en": "Likelihood steps removed", "it": "Gradini di probabilità tolti"},
    "col_impact_steps": {"en": "Impact steps removed", "it": "Gradini di impatto tolti"},
    "col_applies": {"en": "Applies", "it": "Si applica"},
    "col_legal_basis": {"en": "Legal basis", "it": "Base giuridica"},
    "col_level": {"en": "Level", "it": "Livello"},
    "col_size_class": {"en": "Firm size", "it": "Dimensione dell'impresa"},
    "col_loss_eur": {"en": "Typical loss (EUR)", "it": "Perdita tipica (EUR)"},
    "col_loss_low_eur": {"en": "Low loss (EUR)", "it": "Perdita bassa (EUR)"},
    "col_loss_high_eur": {"en": "High loss (EUR)", "it": "Perdita alta (EUR)"},
    "col_authority": {"en": "Authority", "it": "Autorità"},
    "col_date": {"en": "Date", "it": "Data"},
    "col_firm_size": {"en": "Firm size", "it": "Dimensione dell'impresa"},
    "col_amount_eur": {"en": "Amount (EUR)", "it": "Importo (EUR)"},
    "col_what_happened": {"en": "What happened", "it": "Che cosa è successo"},
    "col_case_id": {"en": "Case", "it": "Caso"},
    "col_gross_salary_eur": {"en": "Gross salary (EUR/year)", "it": "Retribuzione lorda (EUR/anno)"},
    "col_oncost_multiplier": {"en": "On-cost multiplier", "it": "Moltiplicatore degli oneri"},
    "col_productive_hours_year": {"en": "Productive hours a year", "it": "Ore produttive all'anno"},
    "col_turnover_eur": {"en": "Turnover (EUR/year)", "it": "Fatturato (EUR/anno)"},
    "col_activity_volume": {"en": "Activity volume (x reference)", "it": "Volume di attività (x riferimento)"},
    "always": {"en": "always", "it": "sempre"},
    "usually": {"en": "for the usual scope", "it": "per l'ambito abituale"},
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def t(key: str, lang: str = "en", **values) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    check_lang(lang)
    try:
        text = STRINGS[key][lang]
    except KeyError:
        raise KeyError(f"no text for {key!r} in the catalogue (toolkit/i18n.py)") from None
    return text.format(**values) if values else text


def name(dataset, table: str, item, lang: str = "en") -> str:
    """The name of row ``item`` of a data table (services, legal_areas, clauses, profiles)."""
    check_lang(lang)
    return str(getattr(dataset, table).loc[item, f"name_{lang}"])


def number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """1234.5 -> '1,234.5' (en) or '1.234,5' (it)."""
    return _separators(f"{value:,.{decimals}f}", lang)


def eur(value: float, lang: str = "en", decimals: int = 0) -> str:
    """Money: 'EUR 1,235' (en) or '1.235 EUR' (it)."""
    return f"EUR {number(value, lang, decimals)}" if check_lang(lang) == "en" else f"{number(value, lang, decimals)} EUR"


def table_number(value: float, lang: str = "en") -> str:
    """A float as a table shows it: up to 6 decimals, trailing zeros dropped; 1,234.5 (en) or 1.234,5 (it)."""
    if value != value:  # NaN
        return "NaN"
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return _separators("0" if text == "-0" else text, lang)


def _separators(text: str, lang: str) -> str:
    """A number written as Python does (1,234.5) in ``lang``'s style: unchanged in English, 1.234,5 in Italian."""
    if check_lang(lang) == "it":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def display_format(lang: str = "en") -> None:
    """Show the floats of every pandas table in ``lang``'s format (thousands and decimal separators), and
    every cell whole: no "..." cutting a provision or a case description (long text wraps in the table).

    Called by each notebook's set-up cell; only the display changes, never the values (nor CSV exports).
    """
    import functools

    import pandas as pd

    pd.set_option("display.float_format", functools.partial(table_number, lang=check_lang(lang)))
    pd.set_option("display.max_colwidth", None)
