//! What schools write about: the categories they open tickets in, how often, and the
//! words of their titles and descriptions.

/// A kind of ticket a school opens.
pub struct Subject {
    pub category: &'static str,
    /// How often, relatively.
    pub weight: f64,
    pub title: &'static str,
    pub description: &'static str,
}

const fn subject(
    category: &'static str,
    weight: f64,
    title: &'static str,
    description: &'static str,
) -> Subject {
    Subject {
        category,
        weight,
        title,
        description,
    }
}

pub const SUBJECTS: &[Subject] = &[
    subject("connexion-educonnect", 10.0, "Élèves bloqués à la connexion ÉduConnect",
        "Plusieurs élèves de 5e ne parviennent plus à se connecter depuis ce matin : le portail les renvoie à la page d'accueil."),
    subject("compte-academique", 5.0, "Compte enseignant désactivé",
        "Une enseignante arrivée en cours d'année n'a pas accès à l'ENT avec son compte académique."),
    subject("identifiants-envoi", 6.0, "Identifiants des parents non reçus",
        "Des responsables légaux de 6e n'ont pas reçu leurs identifiants ; pouvez-vous les renvoyer ?"),
    subject("annuaire-aaf", 3.0, "Classe absente de l'annuaire",
        "La classe de 2nde 4 n'apparaît pas dans l'ENT alors qu'elle existe dans l'application de scolarité."),
    subject("profils-droits", 4.0, "Droits de la vie scolaire à revoir",
        "Le CPE ne voit pas les absences des classes de 3e."),
    subject("vs-emploi-du-temps", 5.0, "Emploi du temps vide pour une classe",
        "L'emploi du temps de la 4e B est vide dans l'ENT depuis la dernière mise à jour."),
    subject("vs-notes", 5.0, "Notes invisibles pour les familles",
        "Les familles ne voient pas les notes du trimestre alors que la publication est ouverte."),
    subject("vs-absences", 3.0, "Absences non remontées",
        "Les absences saisies en classe n'apparaissent pas côté vie scolaire."),
    subject("messagerie", 8.0, "Messagerie : pièces jointes refusées",
        "Les messages avec une pièce jointe de plus de 2 Mo sont refusés sans explication."),
    subject("cahier-de-textes", 6.0, "Cahier de textes inaccessible",
        "Le cahier de textes affiche une erreur pour toutes les classes du niveau 4e."),
    subject("espaces-collaboratifs", 3.0, "Espace collaboratif : membres à ajouter",
        "Impossible d'ajouter les élèves de l'option au nouvel espace de travail."),
    subject("ressources-gar", 4.0, "Ressource numérique absente du médiacentre",
        "Le manuel numérique commandé n'apparaît pas dans le médiacentre des élèves."),
    subject("publication-familles", 2.0, "Actualité non publiée aux familles",
        "L'actualité de la réunion parents-professeurs reste en brouillon."),
    subject("parametrage-ent", 2.0, "Paramétrage de la page d'accueil",
        "Nous souhaitons modifier les services affichés sur la page d'accueil de l'établissement."),
    subject("accompagnement-usages", 3.0, "Demande de formation au cahier de textes",
        "L'équipe de mathématiques souhaite une séance de prise en main du cahier de textes."),
    subject("reseau-internet", 6.0, "Connexion internet très lente",
        "Depuis lundi, les pages mettent plus d'une minute à s'afficher dans tout le bâtiment B."),
    subject("wifi", 5.0, "Wi-Fi coupé au CDI",
        "Le point d'accès du CDI ne diffuse plus le réseau depuis les vacances."),
    subject("materiel-poste", 4.0, "Postes de la salle informatique hors service",
        "Six postes de la salle 12 ne démarrent plus."),
    subject("materiel-mobile", 2.0, "Tablettes à réinitialiser",
        "La classe mobile de tablettes doit être réinitialisée avant la rentrée des 6e."),
    subject("materiel-demande", 1.0, "Demande de vidéoprojecteur",
        "La salle 8 n'a plus de vidéoprojecteur fonctionnel."),
    subject("logiciel-tiers", 2.0, "Logiciel tiers : synchronisation en échec",
        "Le logiciel de vie scolaire ne se synchronise plus avec l'ENT depuis la mise à jour."),
    subject("autre-demande", 3.0, "Question sur l'ouverture des comptes",
        "À quelle date les comptes des nouveaux élèves seront-ils ouverts ?"),
    subject("donnees-droits", 1.0, "Demande d'accès d'un parent à ses données",
        "Un parent demande la copie des données le concernant dans l'ENT."),
];

/// The major incident's opening words.
pub const OUTAGE_TITLE: &str = "ENT inaccessible : page blanche après connexion";
pub const OUTAGE_DESCRIPTION: &str =
    "Depuis quelques minutes, plus personne n'accède à l'ENT : une page blanche s'affiche après la connexion.";
