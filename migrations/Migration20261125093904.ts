import { Migration } from '@mikro-orm/migrations';

export class Migration20261125093904 extends Migration {

  override async up(): Promise<void> {
    // Trigram indexes serve fragment search (ILIKE '%frag%'); pg_trgm is a trusted extension since PostgreSQL 13.
    this.addSql(`create extension if not exists pg_trgm;`);

    this.addSql(`create table "api_token" ("id" serial primary key, "name" varchar(200) not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "created_by_name" varchar(200) not null, "revoked_at" timestamptz null, "last_used_at" timestamptz null);`);
    this.addSql(`alter table "api_token" add constraint "api_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "audit_event" ("id" bigserial primary key, "contact_id" int not null, "contact_name" varchar(200) not null, "action" varchar(30) not null, "channel" varchar(20) not null, "actor_id" varchar(100) not null, "actor_name" varchar(200) not null, "at" timestamptz not null, "before" jsonb null, "after" jsonb null);`);
    this.addSql(`create index "audit_event_contact_idx" on "audit_event" ("contact_id", "at");`);

    this.addSql(`create table "contact" ("id" serial primary key, "name" varchar(200) not null, "name_key" varchar(200) not null, "name_folded" varchar(200) not null, "sort_key" varchar(400) collate "C" not null, "search_text" text not null, "country" varchar(2) null, "language" varchar(2) null, "note" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "created_via" varchar(20) not null, "created_by_id" varchar(100) not null, "created_by_name" varchar(200) not null, "version" int not null default 1);`);
    this.addSql(`alter table "contact" add constraint "contact_name_key_unique" unique ("name_key");`);
    this.addSql(`create index "contact_sort_key_idx" on "contact" ("sort_key", "id");`);
    this.addSql(`create index "contact_created_at_idx" on "contact" ("created_at", "id");`);
    this.addSql(`create index "contact_country_idx" on "contact" ("country");`);
    this.addSql(`create index "contact_language_idx" on "contact" ("language");`);
    this.addSql(`create index "contact_name_folded_prefix_idx" on "contact" ("name_folded" text_pattern_ops);`);
    this.addSql(`create index "contact_search_text_trgm_idx" on "contact" using gin ("search_text" gin_trgm_ops);`);

    this.addSql(`create table "idempotency_key" ("key" varchar(300) not null, "created_at" timestamptz not null, "result" jsonb null, constraint "idempotency_key_pkey" primary key ("key"));`);
    this.addSql(`create index "idempotency_key_created_idx" on "idempotency_key" ("created_at");`);

    this.addSql(`create table "integration_account" ("id" serial primary key, "platform" varchar(40) not null, "label" varchar(200) not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "integration_account" add constraint "integration_account_platform_label_unique" unique ("platform", "label");`);

    this.addSql(`create table "contact_integration" ("contact_id" int not null, "integration_account_id" int not null, constraint "contact_integration_pkey" primary key ("contact_id", "integration_account_id"));`);

    this.addSql(`create table "sender" ("id" serial primary key, "contact_id" int not null, "kind" varchar(10) not null, "value" varchar(254) not null, "normalized" varchar(254) not null, "platform" varchar(40) null, "digits" varchar(20) null, "search_key" varchar(254) not null, "source_url" varchar(1000) null, "added_via" varchar(20) not null, "added_by_id" varchar(100) not null, "added_by_name" varchar(200) not null, "created_at" timestamptz not null);`);
    this.addSql(`create unique index "sender_identity_unique" on "sender" ("kind", coalesce("platform", ''), "normalized");`);
    this.addSql(`create index "sender_search_key_prefix_idx" on "sender" ("search_key" text_pattern_ops);`);

    this.addSql(`create table "app_user" ("id" serial primary key, "email" varchar(254) not null, "name" varchar(200) not null, "password_hash" varchar(200) not null, "role" varchar(10) not null, "locale" varchar(5) null, "active" boolean not null default true, "session_epoch" int not null default 0, "created_at" timestamptz not null, "last_login_at" timestamptz null);`);
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);

    this.addSql(`alter table "contact_integration" add constraint "contact_integration_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact_integration" add constraint "contact_integration_integration_account_id_foreign" foreign key ("integration_account_id") references "integration_account" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "sender" add constraint "sender_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on update cascade on delete cascade;`);
  }

}
