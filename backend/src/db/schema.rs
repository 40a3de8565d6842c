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
        dpo_email -> Nullable<Text>,
        departement -> Nullable<Text>,
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

diesel::table! {
    ticket_sequences (territory_code, year) {
        territory_code -> Text,
        year -> Integer,
        last_value -> Integer,
    }
}

diesel::table! {
    tickets (id) {
        id -> BigInt,
        reference -> Text,
        territory_code -> Text,
        establishment_uai -> Text,
        requester_id -> BigInt,
        title -> Text,
        title_search -> Text,
        description -> Text,
        category_code -> Text,
        ticket_type -> Text,
        impact -> Text,
        urgency -> Text,
        priority -> Integer,
        status -> Text,
        pending_reason -> Nullable<Text>,
        level -> Integer,
        owner_queue_id -> BigInt,
        current_queue_id -> BigInt,
        assignee_id -> Nullable<BigInt>,
        technical_file -> Text,
        third_party_editor_id -> Nullable<BigInt>,
        third_party_reference -> Nullable<Text>,
        escalation_justification -> Nullable<Text>,
        vendor_id -> Nullable<BigInt>,
        is_major -> Bool,
        parent_id -> Nullable<BigInt>,
        reopen_count -> Integer,
        resolution -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        service_level_policy_id -> Nullable<BigInt>,
        next_due_at -> Timestamp,
        breached -> Bool,
        anonymised_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_events (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        occurred_at -> Timestamp,
        kind -> Text,
        visibility -> Text,
        actor_user_id -> Nullable<BigInt>,
        actor_client_id -> Nullable<Text>,
        actor_label -> Text,
        actor_organisation_id -> Nullable<BigInt>,
        body -> Nullable<Text>,
        data -> Text,
    }
}

diesel::table! {
    ticket_hops (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        from_queue_id -> Nullable<BigInt>,
        to_queue_id -> BigInt,
        reason -> Text,
        routing_rule_id -> Nullable<BigInt>,
        entered_at -> Timestamp,
        first_response_at -> Nullable<Timestamp>,
        left_at -> Nullable<Timestamp>,
        refused_reason -> Nullable<Text>,
        left_event_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    login_attempts (bucket, window_start) {
        bucket -> Text,
        window_start -> Timestamp,
        attempts -> Integer,
    }
}

diesel::table! {
    job_leases (job) {
        job -> Text,
        holder -> Text,
        leased_until -> Timestamp,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> BigInt,
        authority_id -> BigInt,
        position -> Integer,
        name -> Text,
        at_opening -> Bool,
        category_code -> Nullable<Text>,
        category_domain -> Nullable<Text>,
        establishment_kind -> Nullable<Text>,
        sector -> Nullable<Text>,
        vie_scolaire_module -> Nullable<Bool>,
        target_kind -> Text,
        target_queue_id -> Nullable<BigInt>,
        target_domain -> Nullable<Text>,
        target_editor_id -> Nullable<BigInt>,
        active -> Bool,
    }
}

diesel::table! {
    technical_file_requirements (category_code, element) {
        category_code -> Text,
        element -> Text,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        event_id -> Nullable<BigInt>,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_path -> Text,
        uploaded_by_label -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        owner -> Text,
        route -> Text,
        idem_key -> Text,
        request_hash -> Text,
        response_status -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        ticket_id -> Nullable<BigInt>,
        event_id -> Nullable<BigInt>,
        notice -> Text,
        recipient_user_id -> Nullable<BigInt>,
        recipient_email -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        leased_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_preferences (user_id) {
        user_id -> BigInt,
        muted -> Text,
        queue_digest -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_level_policies (id) {
        id -> BigInt,
        territory_code -> Text,
        version -> Integer,
        excludes_school_holidays -> Bool,
        warning_percent -> Integer,
        targets -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    service_level_clocks (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        hop_id -> Nullable<BigInt>,
        organisation_id -> BigInt,
        kind -> Text,
        priority -> Integer,
        target_minutes -> Integer,
        warning_percent -> Integer,
        used_seconds -> BigInt,
        running_since -> Nullable<Timestamp>,
        stopped -> Bool,
        due_at -> Nullable<Timestamp>,
        warn_at -> Nullable<Timestamp>,
        warned_at -> Nullable<Timestamp>,
        breached_at -> Nullable<Timestamp>,
        counted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_tallies (id) {
        id -> BigInt,
        territory_code -> Text,
        day -> Date,
        measure -> Text,
        level -> Integer,
        queue_id -> BigInt,
        category_code -> Text,
        school_kind -> Text,
        escalated -> Bool,
        cancelled -> Bool,
        reopened -> Bool,
        tickets -> BigInt,
        merged -> Bool,
    }
}

diesel::table! {
    clock_tallies (id) {
        id -> BigInt,
        territory_code -> Text,
        day -> Date,
        stay -> Bool,
        organisation_id -> BigInt,
        kind -> Text,
        priority -> Integer,
        breached -> Bool,
        minutes -> BigInt,
        clocks -> BigInt,
        merged -> Bool,
    }
}

diesel::table! {
    outages (id) {
        id -> BigInt,
        territory_code -> Text,
        academie_id -> Nullable<BigInt>,
        service -> Text,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        major_incident_id -> Nullable<BigInt>,
        description -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    reviews (id) {
        id -> BigInt,
        territory_code -> Text,
        audience -> Text,
        title -> Text,
        period_from -> Timestamp,
        period_to -> Timestamp,
        status -> Text,
        snapshot -> Nullable<Text>,
        held_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    review_participants (review_id, organisation_id) {
        review_id -> BigInt,
        organisation_id -> BigInt,
    }
}

diesel::table! {
    improvement_actions (id) {
        id -> BigInt,
        review_id -> BigInt,
        territory_code -> Text,
        title -> Text,
        owner_id -> BigInt,
        due_on -> Date,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    improvement_action_tickets (action_id, ticket_id) {
        action_id -> BigInt,
        ticket_id -> BigInt,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        token_version -> Integer,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    personal_data_breaches (id) {
        id -> BigInt,
        territory_code -> Text,
        ticket_id -> Nullable<BigInt>,
        nature -> Text,
        people_categories -> Text,
        people_count -> BigInt,
        record_categories -> Text,
        record_count -> BigInt,
        scope -> Text,
        scope_organisation_id -> Nullable<BigInt>,
        scope_establishments -> Text,
        controller_kind -> Text,
        controller_organisation_id -> Nullable<BigInt>,
        aware_at -> Timestamp,
        deadline_at -> Timestamp,
        declared_by_user_id -> Nullable<BigInt>,
        declared_by -> Text,
        declared_at -> Timestamp,
        alert_stage -> Integer,
        outcome -> Nullable<Text>,
        notified_at -> Nullable<Timestamp>,
        cnil_reference -> Nullable<Text>,
        outcome_reason -> Nullable<Text>,
        outcome_recorded_by -> Nullable<Text>,
        outcome_recorded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    personal_data_breach_events (id) {
        id -> BigInt,
        breach_id -> BigInt,
        kind -> Text,
        actor_user_id -> Nullable<BigInt>,
        actor_label -> Text,
        body -> Text,
        data -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    rights_requests (id) {
        id -> BigInt,
        territory_code -> Text,
        ticket_id -> Nullable<BigInt>,
        data_subject_right -> Text,
        summary -> Text,
        received_at -> Timestamp,
        due_at -> Timestamp,
        received_by_organisation_id -> Nullable<BigInt>,
        received_by_user_id -> Nullable<BigInt>,
        received_by -> Text,
        scope -> Text,
        scope_organisation_id -> Nullable<BigInt>,
        scope_establishments -> Text,
        controller_kind -> Text,
        controller_organisation_id -> Nullable<BigInt>,
        forwarded_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rights_request_events (id) {
        id -> BigInt,
        request_id -> BigInt,
        kind -> Text,
        actor_user_id -> Nullable<BigInt>,
        actor_label -> Text,
        body -> Text,
        data -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    ticket_reads (id) {
        id -> BigInt,
        read_at -> Timestamp,
        ticket_id -> BigInt,
        territory_code -> Text,
        user_id -> Nullable<BigInt>,
        client_id -> Nullable<Text>,
        part -> Text,
        attachment_id -> Nullable<BigInt>,
        channel -> Text,
        client_address -> Nullable<Text>,
    }
}

diesel::table! {
    anonymisation_permits (id) {
        id -> BigInt,
        reason -> Text,
    }
}

diesel::joinable!(ticket_reads -> tickets (ticket_id));
diesel::joinable!(ticket_reads -> users (user_id));
diesel::joinable!(rights_request_events -> rights_requests (request_id));
diesel::joinable!(personal_data_breach_events -> personal_data_breaches (breach_id));
diesel::joinable!(queues -> organisations (organisation_id));
diesel::joinable!(ticket_events -> tickets (ticket_id));
diesel::joinable!(ticket_hops -> tickets (ticket_id));
diesel::joinable!(service_level_clocks -> tickets (ticket_id));
diesel::joinable!(attachments -> tickets (ticket_id));
diesel::joinable!(role_grants -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(web_sessions -> users (user_id));
diesel::joinable!(organisations -> territories (territory_code));

diesel::allow_tables_to_appear_in_same_query!(
    anonymisation_permits,
    ticket_reads,
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
    ticket_sequences,
    tickets,
    ticket_events,
    ticket_hops,
    routing_rules,
    technical_file_requirements,
    attachments,
    idempotency_keys,
    login_attempts,
    job_leases,
    outbox,
    notification_preferences,
    service_level_policies,
    service_level_clocks,
    ticket_tallies,
    clock_tallies,
    outages,
    reviews,
    review_participants,
    improvement_actions,
    improvement_action_tickets,
    web_sessions,
    personal_data_breaches,
    personal_data_breach_events,
    rights_requests,
    rights_request_events,
);
