//! Diesel schema, written for both backends (portable types only).

diesel::table! {
    territories (code) {
        code -> Text,
        name -> Text,
        ent_name -> Text,
        holiday_zone -> Text,
        vendor_id -> Nullable<BigInt>,
        availability_in_window_bp -> Integer,
        availability_out_of_window_bp -> Integer,
        window_weekdays -> Text,
        window_opens_minute -> Integer,
        window_closes_minute -> Integer,
        window_excludes_school_holidays -> Bool,
        timezone -> Text,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        code -> Text,
        kind -> Text,
        collectivite_subkind -> Nullable<Text>,
        name -> Text,
        territory_code -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        contact_email -> Nullable<Text>,
        holiday_zone -> Nullable<Text>,
    }
}

diesel::table! {
    establishments (uai) {
        uai -> Text,
        name -> Text,
        search_key -> Text,
        kind -> Text,
        sector -> Text,
        authority_id -> BigInt,
        collectivite_id -> BigInt,
        departement -> Text,
        uses_vie_scolaire_module -> Bool,
    }
}

diesel::table! {
    queues (id) {
        id -> BigInt,
        code -> Text,
        organisation_id -> BigInt,
        name -> Text,
        level -> Integer,
        domain -> Text,
    }
}

diesel::table! {
    categories (code) {
        code -> Text,
        label -> Text,
        domain -> Text,
        default_type -> Text,
    }
}

diesel::table! {
    school_holidays (id) {
        id -> BigInt,
        zone -> Text,
        school_year -> Text,
        name -> Text,
        first_day -> Date,
        last_day -> Date,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        active -> Bool,
        token_version -> Integer,
        territory_code -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    role_grants (id) {
        id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        establishment_uai -> Nullable<Text>,
        organisation_id -> Nullable<BigInt>,
        territory_code -> Nullable<Text>,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    service_accounts (id) {
        id -> BigInt,
        client_id -> Text,
        secret_hash -> Text,
        name -> Text,
        vendor_id -> BigInt,
        territory_code -> Text,
        active -> Bool,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        action -> Text,
        outcome -> Text,
        actor_user_id -> Nullable<BigInt>,
        actor_client_id -> Nullable<Text>,
        actor_label -> Nullable<Text>,
        territory_code -> Nullable<Text>,
        target -> Nullable<Text>,
        client_address -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::joinable!(queues -> organisations (organisation_id));
diesel::joinable!(role_grants -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(organisations -> territories (territory_code));

diesel::allow_tables_to_appear_in_same_query!(
    territories,
    organisations,
    establishments,
    queues,
    categories,
    school_holidays,
    users,
    role_grants,
    refresh_tokens,
    service_accounts,
    audit_events,
);
